using Xunit;

namespace RagStack.Onnx.Tests.Embeddings;

public sealed class OnnxEmbeddingOptionsTests
{
    [Fact]
    public void Defaults_are_arctic_with_every_core_and_are_valid()
    {
        var options = new OnnxEmbeddingOptions();

        options.Validate();
        Assert.Equal(EmbeddingModelKind.ArcticXs, options.Model);
        Assert.Equal(Environment.ProcessorCount, options.IntraOpThreads);
        Assert.InRange(options.BatchSize, 1, OnnxEmbeddingOptions.MaxBatchSize);
    }

    [Theory]
    [InlineData(EmbeddingModelKind.ArcticXs, OnnxEmbeddingOptions.ArcticQueryPrefix)]
    [InlineData(EmbeddingModelKind.MiniLM, "")]
    public void The_query_prefix_defaults_to_the_models_own(EmbeddingModelKind model, string expected) =>
        Assert.Equal(expected, new OnnxEmbeddingOptions { Model = model }.EffectiveQueryPrefix);

    [Fact]
    public void An_empty_query_prefix_turns_the_prefix_off() =>
        Assert.Equal("", new OnnxEmbeddingOptions { QueryPrefix = "" }.EffectiveQueryPrefix);

    [Theory]
    [InlineData(0, 1)]
    [InlineData(OnnxEmbeddingOptions.MaxBatchSize + 1, 1)]
    [InlineData(8, 0)]
    public void Out_of_range_sizes_are_rejected(int batchSize, int threads) =>
        Assert.Throws<ArgumentOutOfRangeException>(new OnnxEmbeddingOptions { BatchSize = batchSize, IntraOpThreads = threads }.Validate);

    [Fact]
    public void An_unknown_model_is_rejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(new OnnxEmbeddingOptions { Model = (EmbeddingModelKind)7 }.Validate);
}
