using System.Numerics;
using System.Numerics.Tensors;

namespace RagStack.Training.Llama;

/// <summary>
/// A llama model with frozen base weights and trainable LoRA adapters: the forward pass as llama.cpp computes it and the
/// backward pass to the adapters. Generic in the number type so the gradient tests can run it in double precision.
/// </summary>
internal sealed class LlamaLoraModel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The PEFT names of the projections an adapter can sit on, in a block's order.</summary>
    public static IReadOnlyList<string> Modules => LoraTrainingOptions.KnownModules;

    private readonly T[] _tokenEmbedding;
    private readonly T[] _outputNorm;
    private readonly T[] _output;
    private readonly Block[] _blocks;
    private readonly Rope<T> _rope;
    private readonly CausalAttention _attention;
    private readonly T _epsilon;

    public LlamaLoraModel(FrozenLlama model, IReadOnlyCollection<string> targetModules, int rank, double alpha, int maxPositions)
    {
        Shape = model.Shape;
        var (e, kv, ff) = (Shape.Embedding, Shape.KvWidth, Shape.FeedForward);
        _tokenEmbedding = Convert(model.TokenEmbedding);
        _outputNorm = Convert(model.OutputNorm);
        _output = ReferenceEquals(model.Output, model.TokenEmbedding) ? _tokenEmbedding : Convert(model.Output);
        _rope = new Rope<T>(Shape.RotaryDimensions, Shape.RopeBase, maxPositions);
        _attention = new CausalAttention(Shape.Heads, Shape.KvHeads, Shape.HeadDimension);
        _epsilon = T.CreateChecked(Shape.RmsEpsilon);
        var scale = T.CreateChecked(alpha / rank);
        var adapters = new List<LoraAdapter<T>>();
        _blocks = new Block[Shape.Layers];
        for (var layer = 0; layer < Shape.Layers; layer++)
        {
            var frozen = model.Blocks[layer];
            (float[] Weight, int Inputs, int Outputs)[] shapes =
            [
                (frozen.Query, e, e), (frozen.Key, e, kv), (frozen.Value, e, kv), (frozen.AttentionOutput, e, e),
                (frozen.Gate, e, ff), (frozen.Up, e, ff), (frozen.Down, ff, e),
            ];
            var projections = new Projection<T>[Modules.Count];
            for (var m = 0; m < Modules.Count; m++)
            {
                var (weight, inputs, outputs) = shapes[m];
                LoraAdapter<T>? adapter = null;
                if (targetModules.Contains(Modules[m]))
                {
                    adapter = new LoraAdapter<T>(adapters.Count, layer, Modules[m], rank, inputs, outputs);
                    adapters.Add(adapter);
                }

                projections[m] = new Projection<T>(Convert(weight), inputs, outputs, adapter, scale);
            }

            _blocks[layer] = new Block(Convert(frozen.AttentionNorm), Convert(frozen.FeedForwardNorm), projections);
        }

        Adapters = adapters;
    }

    public LlamaShape Shape { get; }

    public IReadOnlyList<LoraAdapter<T>> Adapters { get; }

    /// <summary>Probability of zeroing an element of an adapter's input during training (PEFT's lora_dropout).</summary>
    public double Dropout { get; init; }

    public int MaxPositions => _rope.Positions;

    /// <summary>Every trainable array, A before B per adapter, matching <see cref="LoraGradients{T}.All"/>.</summary>
    public IEnumerable<T[]> Parameters => Adapters.SelectMany(a => new[] { a.A, a.B });

    /// <summary>The next-token logits [tokens, vocabulary] at every position, without dropout.</summary>
    public T[] Logits(ReadOnlySpan<int> tokens) => Forward(tokens, dropout: null).Logits;

    /// <summary>The summed cross-entropy of predicting <c>tokens[1..]</c> from their prefixes, without dropout or gradients.</summary>
    public T Loss(ReadOnlySpan<int> tokens)
    {
        var logits = Forward(tokens, dropout: null).Logits;
        var vocabulary = Shape.Vocabulary;
        return CrossEntropy.Forward<T>(logits.AsSpan(0, (tokens.Length - 1) * vocabulary), tokens[1..], T.Zero, new T[(tokens.Length - 1) * vocabulary]);
    }

    /// <summary>
    /// Returns the summed cross-entropy of predicting <c>tokens[1..]</c> from their prefixes and adds the gradient of
    /// <c>gradientScale · that sum</c> to <paramref name="gradients"/>; <paramref name="dropout"/> draws the adapters' dropout masks (null: none).
    /// </summary>
    public T LossAndGradients(ReadOnlySpan<int> tokens, LoraGradients<T> gradients, T gradientScale, Random? dropout)
    {
        var forward = Forward(tokens, dropout);
        var (rows, e, vocabulary) = (tokens.Length, Shape.Embedding, Shape.Vocabulary);
        var dLogits = new T[rows * vocabulary]; // the last row predicts nothing and stays zero
        var loss = CrossEntropy.Forward<T>(forward.Logits.AsSpan(0, (rows - 1) * vocabulary), tokens[1..], gradientScale, dLogits);

        var dNormalized = new T[rows * e];
        Linear.BackwardInput<T>(dLogits, _output, e, vocabulary, dNormalized);
        var dx = new T[rows * e];
        RmsNorm.Backward<T>(dNormalized, forward.Final, _outputNorm, forward.FinalInverseRms, dx);
        for (var layer = _blocks.Length - 1; layer >= 0; layer--)
        {
            dx = BackwardBlock(_blocks[layer], forward.Blocks[layer], dx, gradients);
        }

        return loss;
    }

    private ForwardPass Forward(ReadOnlySpan<int> tokens, Random? dropout)
    {
        if (tokens.Length == 0 || tokens.Length > MaxPositions)
        {
            throw new ArgumentException($"A sequence needs 1 to {MaxPositions} tokens, not {tokens.Length}.", nameof(tokens));
        }

        var (rows, e) = (tokens.Length, Shape.Embedding);
        var x = new T[rows * e];
        for (var t = 0; t < rows; t++)
        {
            if ((uint)tokens[t] >= (uint)Shape.Vocabulary)
            {
                throw new ArgumentException($"Token {tokens[t]} is outside the model's vocabulary of {Shape.Vocabulary}.", nameof(tokens));
            }

            _tokenEmbedding.AsSpan(tokens[t] * e, e).CopyTo(x.AsSpan(t * e, e));
        }

        var blocks = new BlockActivations[_blocks.Length];
        for (var layer = 0; layer < _blocks.Length; layer++)
        {
            blocks[layer] = ForwardBlock(_blocks[layer], x, dropout);
            x = blocks[layer].Output;
        }

        var normalized = new T[rows * e];
        var inverse = new T[rows];
        RmsNorm.Forward<T>(x, _outputNorm, _epsilon, normalized, inverse);
        var logits = new T[rows * Shape.Vocabulary];
        Linear.Forward<T>(normalized, _output, e, Shape.Vocabulary, logits);
        return new ForwardPass(blocks, x, inverse, logits);
    }

    private BlockActivations ForwardBlock(Block block, T[] input, Random? dropout)
    {
        var (e, kv, ff, rows) = (Shape.Embedding, Shape.KvWidth, Shape.FeedForward, input.Length / Shape.Embedding);
        var p = block.Projections;
        var a = new BlockActivations(rows, e, kv, ff, Shape.Heads) { Input = input };
        var lora = a.Lora;

        RmsNorm.Forward<T>(input, block.AttentionNorm, _epsilon, a.AttentionNormalized, a.AttentionInverseRms);
        lora[0] = p[0].Forward(a.AttentionNormalized, a.Query, dropout, Dropout);
        lora[1] = p[1].Forward(a.AttentionNormalized, a.Key, dropout, Dropout);
        lora[2] = p[2].Forward(a.AttentionNormalized, a.Value, dropout, Dropout);
        _rope.Forward(a.Query, Shape.Heads, Shape.HeadDimension);
        _rope.Forward(a.Key, Shape.KvHeads, Shape.HeadDimension);
        _attention.Forward<T>(a.Query, a.Key, a.Value, a.Probabilities, a.Attention);
        lora[3] = p[3].Forward(a.Attention, a.Middle, dropout, Dropout);
        TensorPrimitives.Add(a.Middle, input, a.Middle);

        RmsNorm.Forward<T>(a.Middle, block.FeedForwardNorm, _epsilon, a.FeedForwardNormalized, a.FeedForwardInverseRms);
        lora[4] = p[4].Forward(a.FeedForwardNormalized, a.Gate, dropout, Dropout);
        lora[5] = p[5].Forward(a.FeedForwardNormalized, a.Up, dropout, Dropout);
        SwiGlu.Forward<T>(a.Gate, a.Up, a.Activated);
        lora[6] = p[6].Forward(a.Activated, a.Output, dropout, Dropout);
        TensorPrimitives.Add(a.Output, a.Middle, a.Output);
        return a;
    }

    private T[] BackwardBlock(Block block, BlockActivations a, T[] dOutput, LoraGradients<T> gradients)
    {
        var (rows, e, kv, ff) = (dOutput.Length / Shape.Embedding, Shape.Embedding, Shape.KvWidth, Shape.FeedForward);
        var p = block.Projections;
        var lora = a.Lora;

        var dMiddle = (T[])dOutput.Clone();
        var dActivated = new T[rows * ff];
        p[6].Backward(dOutput, dActivated, lora[6], gradients);
        var (dGate, dUp) = (new T[rows * ff], new T[rows * ff]);
        SwiGlu.Backward<T>(dActivated, a.Gate, a.Up, dGate, dUp);
        var dNormalized = new T[rows * e];
        p[4].Backward(dGate, dNormalized, lora[4], gradients);
        p[5].Backward(dUp, dNormalized, lora[5], gradients);
        RmsNorm.Backward<T>(dNormalized, a.Middle, block.FeedForwardNorm, a.FeedForwardInverseRms, dMiddle);

        var dAttention = new T[rows * e];
        p[3].Backward(dMiddle, dAttention, lora[3], gradients);
        var (dQuery, dKey, dValue) = (new T[rows * e], new T[rows * kv], new T[rows * kv]);
        _attention.Backward<T>(dAttention, a.Query, a.Key, a.Value, a.Probabilities, dQuery, dKey, dValue);
        _rope.Backward(dQuery, Shape.Heads, Shape.HeadDimension);
        _rope.Backward(dKey, Shape.KvHeads, Shape.HeadDimension);
        Array.Clear(dNormalized);
        p[0].Backward(dQuery, dNormalized, lora[0], gradients);
        p[1].Backward(dKey, dNormalized, lora[1], gradients);
        p[2].Backward(dValue, dNormalized, lora[2], gradients);
        var dInput = dMiddle; // the residual path; dMiddle is not needed again
        RmsNorm.Backward<T>(dNormalized, a.Input, block.AttentionNorm, a.AttentionInverseRms, dInput);
        return dInput;
    }

    private static T[] Convert(float[] values)
    {
        if (typeof(T) == typeof(float))
        {
            return (T[])(object)values;
        }

        var result = new T[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = T.CreateChecked(values[i]);
        }

        return result;
    }

    private sealed record Block(T[] AttentionNorm, T[] FeedForwardNorm, Projection<T>[] Projections);

    private sealed record ForwardPass(BlockActivations[] Blocks, T[] Final, T[] FinalInverseRms, T[] Logits);

    private sealed class BlockActivations(int rows, int e, int kv, int ff, int heads)
    {
        public required T[] Input { get; init; }

        public T[] AttentionNormalized { get; } = new T[rows * e];

        public T[] AttentionInverseRms { get; } = new T[rows];

        public T[] Query { get; } = new T[rows * e];

        public T[] Key { get; } = new T[rows * kv];

        public T[] Value { get; } = new T[rows * kv];

        public T[] Probabilities { get; } = new T[heads * rows * rows];

        public T[] Attention { get; } = new T[rows * e];

        public T[] Middle { get; } = new T[rows * e];

        public T[] FeedForwardNormalized { get; } = new T[rows * e];

        public T[] FeedForwardInverseRms { get; } = new T[rows];

        public T[] Gate { get; } = new T[rows * ff];

        public T[] Up { get; } = new T[rows * ff];

        public T[] Activated { get; } = new T[rows * ff];

        public T[] Output { get; } = new T[rows * e];

        public LoraActivations<T>?[] Lora { get; } = new LoraActivations<T>?[7];
    }
}
