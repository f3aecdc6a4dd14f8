using Xunit;

namespace RagStack.Onnx.Tests.Embeddings;

public sealed class OnnxEmbeddingOptionsTests
{
    [Fact]
    public void Defaults_are_arctic_in_int8_one_text_a_run_with_every_core_and_are_valid()
    {
        var options = new OnnxEmbeddingOptions();

        Assert.True(new OnnxEmbeddingOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal((EmbeddingModelKind.ArcticXs, EmbeddingPrecision.Int8), (options.Model, options.Precision));
        Assert.Equal(Environment.ProcessorCount, options.IntraOpThreads);
        Assert.Equal(1, options.EffectiveBatchSize);
    }

    [Theory]
    [InlineData(EmbeddingPrecision.Int8, null, 1)]
    [InlineData(EmbeddingPrecision.Fp32, null, 8)]
    [InlineData(EmbeddingPrecision.Int8, 4, 4)]
    public void The_batch_size_is_the_configured_one_or_the_precisions_own(EmbeddingPrecision precision, int? configured, int expected) =>
        Assert.Equal(expected, new OnnxEmbeddingOptions { Precision = precision, BatchSize = configured }.EffectiveBatchSize);

    [Fact]
    public void An_unknown_precision_is_rejected_naming_the_precisions()
    {
        var failure = Assert.Single(new OnnxEmbeddingOptionsValidator().Validate(null, new OnnxEmbeddingOptions { Precision = (EmbeddingPrecision)5 }).Failures!);

        Assert.Contains("choose one of Int8, Fp32", failure, StringComparison.Ordinal);
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
    public void Out_of_range_sizes_are_rejected(int batchSize, int threads)
    {
        var failure = Assert.Single(new OnnxEmbeddingOptionsValidator().Validate(null, new OnnxEmbeddingOptions { BatchSize = batchSize, IntraOpThreads = threads }).Failures!);

        Assert.StartsWith(threads == 0 ? "RagStack:Embeddings:IntraOpThreads is 0" : $"RagStack:Embeddings:BatchSize is {batchSize}", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_model_is_rejected_naming_the_models()
    {
        var failure = Assert.Single(new OnnxEmbeddingOptionsValidator().Validate(null, new OnnxEmbeddingOptions { Model = (EmbeddingModelKind)7 }).Failures!);

        Assert.Contains("choose one of ArcticXs, MiniLM, ArcticXsMiniLM", failure, StringComparison.Ordinal);
    }
}
