using System.Diagnostics;
using RagStack.Models.Adapters;
using RagStack.Models.Gguf;
using RagStack.Training.Llama;
using RagStack.Training.Optimization;

namespace RagStack.Training;

/// <summary>
/// Trains a LoRA adapter for a llama GGUF model on the CPU, with hand-written forward and backward passes: the base weights
/// stay frozen, only the adapters' A and B learn. Meant for small models; larger ones go through the PEFT script on a GPU.
/// </summary>
public static class LoraTrainer
{
    /// <summary>Trains on <paramref name="sequences"/> (token ids, each starting with BOS), cut into windows of <see cref="LoraTrainingOptions.SequenceLength"/>.</summary>
    /// <exception cref="TrainingModelException">The base model is missing, not llama, or has weights the trainer cannot read.</exception>
    /// <exception cref="GgufFormatException">The base model is not a readable GGUF file.</exception>
    /// <exception cref="ArgumentException">The options are invalid, no sequence has two tokens, or a token is outside the vocabulary.</exception>
    public static LoraTrainingResult Train(string baseModel, IReadOnlyList<int[]> sequences, LoraTrainingOptions options, IProgress<LoraTrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(baseModel);
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var frozen = FrozenLlama.Load(baseModel);
        var windows = Windows(sequences, options.SequenceLength, frozen.Shape.Vocabulary);
        var model = CreateModel(frozen, options);
        return new TrainingRun(model, frozen.ParameterCount, options).Run(windows, progress, cancellationToken);
    }

    /// <summary>
    /// Mean cross-entropy per predicted token (the log of perplexity) of the base model, with <paramref name="adapter"/> at
    /// scale 1 when given, over <paramref name="sequences"/> cut into windows of <paramref name="sequenceLength"/> tokens.
    /// </summary>
    /// <exception cref="TrainingModelException">The base model is missing, not llama, or has weights the trainer cannot read.</exception>
    /// <exception cref="ArgumentException">No sequence has two tokens, or a token is outside the vocabulary.</exception>
    public static double MeanLoss(string baseModel, IReadOnlyList<int[]> sequences, LoraTrainingResult? adapter = null, int sequenceLength = 256)
    {
        ArgumentException.ThrowIfNullOrEmpty(baseModel);
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceLength, 2);
        var frozen = FrozenLlama.Load(baseModel);
        var windows = Windows(sequences, sequenceLength, frozen.Shape.Vocabulary);
        var model = ModelWith(frozen, adapter, sequenceLength);
        var losses = new double[windows.Count];
        Parallel.For(0, windows.Count, i => losses[i] = model.Loss(windows[i]));
        return losses.Sum() / windows.Sum(w => w.Length - 1);
    }

    /// <summary>The base model with <paramref name="adapter"/>'s trained weights (none when null), as llama.cpp applies it at scale 1.</summary>
    internal static LlamaLoraModel<float> ModelWith(FrozenLlama frozen, LoraTrainingResult? adapter, int maxPositions)
    {
        var weights = adapter?.Weights ?? [];
        var rank = weights.Count > 0 ? weights[0].Rank : 1;
        var model = new LlamaLoraModel<float>(frozen, [.. weights.Select(w => w.TargetModule).Distinct()], rank, adapter?.Alpha ?? 1, maxPositions);
        foreach (var mine in model.Adapters)
        {
            var trained = weights.First(w => w.Layer == mine.Layer && w.TargetModule == mine.Module);
            trained.A.CopyTo(mine.A, 0);
            trained.B.CopyTo(mine.B, 0);
        }

        return model;
    }

    /// <summary>Checks, without reading its weights, that <paramref name="baseModel"/> is a model this trainer can train, so a caller can refuse it before tokenizing anything.</summary>
    /// <exception cref="TrainingModelException">The base model is missing, not llama, or has weights the trainer cannot read.</exception>
    /// <exception cref="GgufFormatException">The base model is not a readable GGUF file.</exception>
    public static void CheckBaseModel(string baseModel)
    {
        ArgumentException.ThrowIfNullOrEmpty(baseModel);
        FrozenLlama.Inspect(baseModel);
    }

    /// <summary>The model with freshly initialised adapters: A Kaiming-uniform as PEFT draws it (bound <c>1 / sqrt(inputs)</c>), B zero, so training starts from the base model.</summary>
    internal static LlamaLoraModel<float> CreateModel(FrozenLlama frozen, LoraTrainingOptions options)
    {
        var model = new LlamaLoraModel<float>(frozen, [.. options.TargetModules], options.Rank, options.Alpha, options.SequenceLength) { Dropout = options.Dropout };
        var random = new Random(options.Seed);
        foreach (var adapter in model.Adapters)
        {
            // PEFT: kaiming_uniform_(A, a=sqrt(5)) → gain sqrt(2 / (1 + 5)), bound gain · sqrt(3 / fan_in) = 1 / sqrt(fan_in).
            var bound = 1 / Math.Sqrt(adapter.Inputs);
            for (var i = 0; i < adapter.A.Length; i++)
            {
                adapter.A[i] = (float)(((random.NextDouble() * 2) - 1) * bound);
            }
        }

        return model;
    }

    internal static IReadOnlyList<LoraWeights> ToWeights(LlamaLoraModel<float> model) =>
        [.. model.Adapters.Select(a => new LoraWeights(a.Layer, a.Module, a.Rank, a.Inputs, a.Outputs, [.. a.A], [.. a.B]))];

    /// <summary>Cuts each sequence into consecutive windows of at most <paramref name="length"/> tokens, dropping pieces too short to predict anything.</summary>
    internal static List<int[]> Windows(IReadOnlyList<int[]> sequences, int length, int vocabulary)
    {
        var windows = new List<int[]>();
        for (var s = 0; s < sequences.Count; s++)
        {
            var sequence = sequences[s] ?? throw new ArgumentException($"Sequence {s} is null.", nameof(sequences));
            var bad = Array.FindIndex(sequence, t => (uint)t >= (uint)vocabulary);
            if (bad >= 0)
            {
                throw new ArgumentException($"Sequence {s} has token {sequence[bad]} at {bad}, outside the base model's vocabulary of {vocabulary}; tokenize with the base model's own tokenizer.", nameof(sequences));
            }

            for (var start = 0; sequence.Length - start >= 2; start += length)
            {
                windows.Add(sequence[start..Math.Min(sequence.Length, start + length)]);
            }
        }

        if (windows.Count == 0)
        {
            throw new ArgumentException("No sequence has the two tokens a prediction needs; there is nothing to train on.", nameof(sequences));
        }

        return windows;
    }

    /// <summary>One run's optimizer state and loop.</summary>
    private sealed class TrainingRun(LlamaLoraModel<float> model, long baseParameters, LoraTrainingOptions options)
    {
        public LoraTrainingResult Run(List<int[]> windows, IProgress<LoraTrainingProgress>? progress, CancellationToken cancellationToken)
        {
            var perStep = options.BatchSize * options.GradientAccumulation;
            var stepsPerEpoch = (windows.Count + perStep - 1) / perStep;
            var totalSteps = stepsPerEpoch * options.Epochs;
            var parameters = model.Parameters.ToList();
            var optimizer = new AdamW(parameters, weightDecay: options.WeightDecay);
            var stepGradients = new LoraGradients<float>(model.Adapters);
            var windowGradients = Enumerable.Range(0, Math.Min(perStep, windows.Count)).Select(_ => new LoraGradients<float>(model.Adapters)).ToArray();
            var shuffle = new Random(Mix(options.Seed, 1, 0));
            var order = Enumerable.Range(0, windows.Count).ToArray();
            var clock = Stopwatch.StartNew();
            var (step, tokens, loss) = (0, 0L, double.NaN);

            for (var epoch = 1; epoch <= options.Epochs; epoch++)
            {
                shuffle.Shuffle(order);
                for (var first = 0; first < order.Length; first += perStep)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var batch = order.AsSpan(first, Math.Min(perStep, order.Length - first)).ToArray();
                    var predicted = batch.Sum(w => windows[w].Length - 1);
                    var losses = new double[batch.Length];

                    // Each window writes its own gradients, summed afterwards in a fixed order, so results do not depend on thread timing.
                    var currentEpoch = epoch;
                    Parallel.For(0, batch.Length, new ParallelOptions { CancellationToken = cancellationToken }, i =>
                    {
                        windowGradients[i].Clear();
                        var dropout = new Random(Mix(options.Seed, currentEpoch, batch[i]));
                        losses[i] = model.LossAndGradients(windows[batch[i]], windowGradients[i], 1f / predicted, dropout);
                    });

                    stepGradients.Clear();
                    for (var i = 0; i < batch.Length; i++)
                    {
                        stepGradients.Add(windowGradients[i]);
                    }

                    var gradients = stepGradients.All.ToList();
                    Clip(gradients, options.MaxGradientNorm);
                    optimizer.Step(gradients, options.LearningRate * (1 - ((double)step / totalSteps)));
                    step++;
                    tokens += batch.Sum(w => (long)windows[w].Length);
                    loss = losses.Sum() / predicted;
                    progress?.Report(new LoraTrainingProgress(step, totalSteps, epoch, loss, tokens, clock.Elapsed));
                }
            }

            var trainable = parameters.Sum(p => (long)p.Length);
            return new LoraTrainingResult(step, tokens, clock.Elapsed, loss, trainable, baseParameters + trainable, options.Alpha, ToWeights(model));
        }

        /// <summary>Scales all gradients so their global L2 norm is at most <paramref name="maxNorm"/>, as <c>torch.nn.utils.clip_grad_norm_</c> does.</summary>
        private static void Clip(List<float[]> gradients, double maxNorm)
        {
            if (maxNorm <= 0)
            {
                return;
            }

            var norm = Math.Sqrt(gradients.Sum(g => g.Sum(x => (double)x * x)));
            var coefficient = maxNorm / (norm + 1e-6);
            if (coefficient < 1)
            {
                foreach (var g in gradients)
                {
                    System.Numerics.Tensors.TensorPrimitives.Multiply(g, (float)coefficient, g);
                }
            }
        }

        private static int Mix(int seed, int epoch, int window)
        {
            var z = ((ulong)(uint)seed << 32) ^ ((ulong)(uint)epoch << 20) ^ (uint)window;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return (int)(z ^ (z >> 31));
        }
    }
}
