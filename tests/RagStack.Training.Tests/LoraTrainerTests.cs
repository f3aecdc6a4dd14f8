using RagStack.LlamaSharp.Quantization;
using RagStack.Models.Gguf;
using RagStack.Training.Llama;
using Xunit.Abstractions;

namespace RagStack.Training.Tests;

public sealed class LoraTrainerTests(ITestOutputHelper output) : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Loss_goes_down_on_a_repeated_text()
    {
        var path = TestModels.Write(_folder.Path("base.gguf"), TestModels.Gqa, scale: 5);
        var sequences = Sequences(count: 8, length: 48);
        var options = new LoraTrainingOptions
        {
            TargetModules = LoraTrainingOptions.KnownModules, LearningRate = 3e-2, Epochs = 15, BatchSize = 2, GradientAccumulation = 2, SequenceLength = 48,
        };
        var losses = new List<double>();

        var result = LoraTrainer.Train(path, sequences, options, new SynchronousProgress(p => losses.Add(p.Loss)));

        output.WriteLine($"loss {losses[0]:F3} → {losses[^1]:F3} in {result.Steps} steps, {result.TokensPerSecond:F0} tokens/s");
        Assert.Equal(30, result.Steps);
        Assert.Equal(losses.Count, result.Steps);
        Assert.Equal(8 * 48 * 15, result.Tokens);
        Assert.InRange(losses[^1], 0, losses[0] * 0.75);
        var before = LoraTrainer.MeanLoss(path, sequences, sequenceLength: 48);
        var after = LoraTrainer.MeanLoss(path, sequences, result, sequenceLength: 48);
        output.WriteLine($"mean loss without dropout: {before:F3} → {after:F3}");
        Assert.InRange(after, 0, before * 0.75);
    }

    [Fact]
    public void The_same_seed_gives_the_same_adapter_and_another_seed_another()
    {
        var path = TestModels.Write(_folder.Path("base.gguf"), TestModels.Gqa);
        var options = new LoraTrainingOptions { Epochs = 1, BatchSize = 2, GradientAccumulation = 1, SequenceLength = 32 };
        var sequences = Sequences(count: 4, length: 30);

        var first = LoraTrainer.Train(path, sequences, options);
        var second = LoraTrainer.Train(path, sequences, options);
        var other = LoraTrainer.Train(path, sequences, options with { Seed = 7 });

        Assert.Equal(first.Weights.SelectMany(w => w.B), second.Weights.SelectMany(w => w.B));
        Assert.Equal(first.Weights.SelectMany(w => w.A), second.Weights.SelectMany(w => w.A));
        Assert.NotEqual(first.Weights.SelectMany(w => w.A), other.Weights.SelectMany(w => w.A));
    }

    [Fact]
    public void Parameters_are_counted_like_peft()
    {
        var spec = TestModels.Gqa;
        var path = TestModels.Write(_folder.Path("base.gguf"), spec);
        var options = new LoraTrainingOptions { Rank = 4, TargetModules = ["q_proj", "v_proj"], Epochs = 1, SequenceLength = 16 };

        var result = LoraTrainer.Train(path, Sequences(1, 10), options);

        // Per layer: q (32 → 32) and v (32 → 16) at rank 4: 4·32 + 32·4 + 4·32 + 16·4.
        Assert.Equal(2 * (256 + 192), result.TrainableParameters);
        var baseParameters = GgufFile.Read(path).Tensors.Sum(t => t.ElementCount);
        Assert.Equal(baseParameters + result.TrainableParameters, result.AllParameters);
        Assert.StartsWith("trainable params: 896 || all params: ", result.TrainableParametersLine, StringComparison.Ordinal);
    }

    [Fact]
    public void Long_sequences_are_cut_into_windows_and_stubs_dropped()
    {
        var windows = LoraTrainer.Windows([[.. Enumerable.Range(0, 10)], [5], [1, 2]], length: 4, vocabulary: 20);

        Assert.Equal([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9], [1, 2]], windows);
    }

    [Fact]
    public void Tokens_outside_the_vocabulary_and_empty_data_are_refused()
    {
        var path = TestModels.Write(_folder.Path("base.gguf"), TestModels.Gqa);

        var outside = Assert.Throws<ArgumentException>(() => LoraTrainer.Train(path, [[1, 2, 100000]], new LoraTrainingOptions()));
        var empty = Assert.Throws<ArgumentException>(() => LoraTrainer.Train(path, [[1]], new LoraTrainingOptions()));

        Assert.Contains("token 100000", outside.Message, StringComparison.Ordinal);
        Assert.Contains("nothing to train on", empty.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Base_models_it_cannot_train_are_refused_with_the_file_and_the_reason()
    {
        var missing = _folder.Path("missing.gguf");
        var gpt = _folder.Path("gpt2.gguf");
        new GgufWriter().SetMetadata("general.architecture", GgufValue.Of("gpt2")).Write(gpt);
        var quantized = _folder.Path("q4.gguf");
        var plain = GgufFile.Read(SyntheticModel());
        var writer = new GgufWriter();
        foreach (var (key, value) in plain.Metadata)
        {
            writer.SetMetadata(key, value);
        }

        writer.AddTensor("token_embd.weight", [32, 4], GgufTensorType.Q4_0, new byte[4 * 18]);
        writer.Write(quantized);

        Assert.Equal(missing, Assert.Throws<TrainingModelException>(() => FrozenLlama.Load(missing)).FilePath);
        Assert.Contains("'gpt2' model", Assert.Throws<TrainingModelException>(() => FrozenLlama.Load(gpt)).Reason, StringComparison.Ordinal);
        Assert.Contains("token_embd.weight is Q4_0", Assert.Throws<TrainingModelException>(() => FrozenLlama.Load(quantized)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Q8_0_base_models_are_read()
    {
        var spec = TestModels.Gqa with { FeedForwardLength = 64 }; // Q8_0 needs rows in multiples of 32
        var f32 = TestModels.Write(_folder.Path("base.gguf"), spec);
        var q8 = _folder.Path("base-q8.gguf");
        GgufQuantizer.Quantize(f32, q8, GgufQuantizationType.Q8_0);
        int[] tokens = [1, 40, 50, 60, 70];

        var quantized = new LlamaLoraModel<float>(FrozenLlama.Load(q8), [], 1, 1, 16).Logits(tokens);
        var exact = new LlamaLoraModel<float>(FrozenLlama.Load(f32), [], 1, 1, 16).Logits(tokens);

        Assert.Contains(GgufFile.Read(q8).Tensors, t => t.Type == GgufTensorType.Q8_0);
        var largest = exact.Max(Math.Abs);
        output.WriteLine($"max |Q8_0 − F32| = {quantized.Zip(exact).Max(p => Math.Abs(p.First - p.Second)):E2} on logits up to {largest:F2}");
        Assert.All(quantized.Zip(exact), pair => Assert.InRange(Math.Abs(pair.First - pair.Second), 0, 0.05 * largest));
    }

    [Fact]
    public void Invalid_options_name_the_setting()
    {
        var error = Assert.Throws<ArgumentException>(() => new LoraTrainingOptions { TargetModules = ["q_proj", "attn_q"] }.Validate());
        Assert.Contains("'attn_q' is not a llama projection", error.Message, StringComparison.Ordinal);
        Assert.Contains("Dropout", Assert.Throws<ArgumentException>(() => new LoraTrainingOptions { Dropout = 1 }.Validate()).Message, StringComparison.Ordinal);
    }

    private string SyntheticModel() => TestModels.Write(_folder.Path("synthetic.gguf"), TestModels.Gqa);

    /// <summary>The same short text again and again (a byte-level vocabulary: token = byte + 3), BOS first.</summary>
    private static List<int[]> Sequences(int count, int length)
    {
        var text = "Once upon a time the lighthouse keeper saw a boat. "u8.ToArray();
        return [.. Enumerable.Range(0, count).Select(s => new[] { 1 }.Concat(Enumerable.Range(s, length - 1).Select(i => text[i % text.Length] + 3)).ToArray())];
    }

    /// <summary>Reports on the caller's thread, so the list is complete when training returns (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<LoraTrainingProgress> report) : IProgress<LoraTrainingProgress>
    {
        public void Report(LoraTrainingProgress value) => report(value);
    }
}
