using RagStack.Training.Llama;
using Xunit.Abstractions;
using static RagStack.Training.Tests.Llama.FiniteDifferences;

namespace RagStack.Training.Tests.Llama;

public sealed class LlamaLoraModelTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string[] AllModules = [.. LlamaLoraModel<float>.Modules];
    private static readonly int[] Tokens = [1, 72, 101, 108, 108, 111, 32, 119, 111, 114, 108, 100, 33, 10, 65, 66, 72, 101, 108];

    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Whole_model_lora_gradients_match_finite_differences()
    {
        var frozen = FrozenLlama.Load(TestModels.Write(_folder.Path("base.gguf"), TestModels.Gqa with { EmbeddingLength = 16, FeedForwardLength = 24 }, scale: 10));
        var model = new LlamaLoraModel<double>(frozen, AllModules, rank: 2, alpha: 3, maxPositions: 32) { Dropout = 0.1 };
        var random = new Random(5);
        foreach (var adapter in model.Adapters)
        {
            Random(random, adapter.A.Length, 0.3).CopyTo(adapter.A, 0);
            Random(random, adapter.B.Length, 0.3).CopyTo(adapter.B, 0); // B ≠ 0, or every dA would be zero
        }

        int[] tokens = Tokens[..9];
        double Loss() => model.LossAndGradients(tokens, new LoraGradients<double>(model.Adapters), 1, new Random(9)) / (tokens.Length - 1);
        var gradients = new LoraGradients<double>(model.Adapters);
        model.LossAndGradients(tokens, gradients, 1.0 / (tokens.Length - 1), new Random(9));

        Assert.Equal(2 * 7, model.Adapters.Count);
        foreach (var adapter in model.Adapters)
        {
            Check($"blk.{adapter.Layer} {adapter.Module} A", adapter.A, gradients.A[adapter.Index], Loss, stride: 7);
            Check($"blk.{adapter.Layer} {adapter.Module} B", adapter.B, gradients.B[adapter.Index], Loss, stride: 7);
        }
    }

    [Fact]
    public void Forward_matches_llama_cpp_on_a_grouped_query_model()
    {
        var path = TestModels.Write(_folder.Path("base.gguf"), TestModels.Gqa);
        var model = new LlamaLoraModel<float>(FrozenLlama.Load(path), [], rank: 1, alpha: 1, maxPositions: 64);

        var ours = LogitRows.Split(model.Logits(Tokens), Tokens.Length);
        var reference = LlamaLogits.Evaluate(path, Tokens);

        var difference = LlamaLogits.MaxAbsDifference(ours, reference);
        output.WriteLine($"max |ours - llama.cpp| = {difference:E2} on logits up to {LogitRows.MaxAbs(reference):F2}");
        Assert.InRange(LogitRows.MaxAbs(reference), 1, double.MaxValue); // logits big enough for the tolerance to mean something
        Assert.InRange(difference, 0, 1e-3);
    }

    [SkippableFact]
    public void Forward_matches_llama_cpp_on_stories260K()
    {
        var path = SharedModels.Stories260K;
        Skip.If(path is null, SharedModels.Missing);
        var model = new LlamaLoraModel<float>(FrozenLlama.Load(path), [], rank: 1, alpha: 1, maxPositions: 128);
        int[] tokens = [1, .. Enumerable.Range(0, 60).Select(i => (i * 37 + 11) % 500 + 3)];

        var ours = LogitRows.Split(model.Logits(tokens), tokens.Length);
        var reference = LlamaLogits.Evaluate(path, tokens);

        var difference = LlamaLogits.MaxAbsDifference(ours, reference);
        output.WriteLine($"max |ours - llama.cpp| = {difference:E2} on logits up to {LogitRows.MaxAbs(reference):F2}");
        Assert.InRange(difference, 0, 1e-3);
    }

    [Fact]
    public void A_trained_adapter_gives_our_logits_in_llama_cpp_and_nothing_at_scale_zero()
    {
        var path = TestModels.Write(_folder.Path("base.gguf"), TestModels.Gqa);
        var options = new LoraTrainingOptions { Rank = 4, Alpha = 12, TargetModules = AllModules, LearningRate = 2e-2, Epochs = 3, BatchSize = 2, GradientAccumulation = 1, SequenceLength = 32 };
        var result = LoraTrainer.Train(path, [Tokens, Tokens[3..]], options);
        var adapter = _folder.Path("lora.gguf");
        result.Save(adapter, "test");

        Assert.All(result.Weights, w => Assert.Contains(w.B, b => b != 0));
        var model = LoraTrainer.ModelWith(FrozenLlama.Load(path), result, options.SequenceLength);

        var ours = LogitRows.Split(model.Logits(Tokens), Tokens.Length);
        var plain = LlamaLogits.Evaluate(path, Tokens);
        var adapted = LlamaLogits.Evaluate(path, Tokens, adapter, scale: 1);
        var switchedOff = LlamaLogits.Evaluate(path, Tokens, adapter, scale: 0);

        var effect = LlamaLogits.MaxAbsDifference(adapted, plain);
        var difference = LlamaLogits.MaxAbsDifference(ours, adapted);
        output.WriteLine($"the adapter moves logits by up to {effect:F3}; max |ours - llama.cpp with adapter| = {difference:E2}");
        Assert.InRange(effect, 0.05, double.MaxValue);
        Assert.InRange(difference, 0, 1e-3);
        Assert.Equal(plain, switchedOff);
    }

    [SkippableFact]
    public void A_trained_stories260K_adapter_gives_our_logits_in_llama_cpp()
    {
        var path = SharedModels.Stories260K;
        Skip.If(path is null, SharedModels.Missing);
        int[] tokens = [1, .. Enumerable.Range(0, 40).Select(i => (i * 13 + 5) % 500 + 3)];
        var options = new LoraTrainingOptions { LearningRate = 1e-2, Epochs = 4, BatchSize = 1, GradientAccumulation = 1, SequenceLength = 64 };
        var result = LoraTrainer.Train(path, [tokens], options);
        var adapter = _folder.Path("stories-lora.gguf");
        result.Save(adapter, "stories-test");
        var model = LoraTrainer.ModelWith(FrozenLlama.Load(path), result, options.SequenceLength);

        var ours = LogitRows.Split(model.Logits(tokens), tokens.Length);
        var adapted = LlamaLogits.Evaluate(path, tokens, adapter, scale: 1);
        var effect = LlamaLogits.MaxAbsDifference(adapted, LlamaLogits.Evaluate(path, tokens));
        var difference = LlamaLogits.MaxAbsDifference(ours, adapted);
        output.WriteLine($"the adapter moves logits by up to {effect:F3}; max |ours - llama.cpp with adapter| = {difference:E2}");
        Assert.Equal(["q_proj", "v_proj"], result.Weights.Select(w => w.TargetModule).Distinct());
        Assert.InRange(effect, 0.05, double.MaxValue);
        Assert.InRange(difference, 0, 1e-3);
    }
}
