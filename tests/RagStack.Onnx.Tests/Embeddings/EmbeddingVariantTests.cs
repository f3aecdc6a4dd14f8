using System.ComponentModel;
using Xunit;

namespace RagStack.Onnx.Tests.Embeddings;

public sealed class EmbeddingVariantTests
{
    [Theory]
    [InlineData("ArcticXs", EmbeddingModelKind.ArcticXs, EmbeddingPrecision.Int8)]
    [InlineData("arcticxs-FP32", EmbeddingModelKind.ArcticXs, EmbeddingPrecision.Fp32)]
    [InlineData("MiniLM-int8", EmbeddingModelKind.MiniLM, EmbeddingPrecision.Int8)]
    [InlineData("ArcticXsMiniLM-fp32", EmbeddingModelKind.ArcticXsMiniLM, EmbeddingPrecision.Fp32)]
    public void A_name_reads_as_its_model_and_precision_and_a_bare_model_means_int8(string text, EmbeddingModelKind model, EmbeddingPrecision precision) =>
        Assert.Equal(new EmbeddingVariant(model, precision), EmbeddingVariant.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("Ada")]
    [InlineData("ArcticXs-int4")]
    [InlineData("0")]
    [InlineData("ArcticXs-1")]
    public void Unknown_names_are_refused_with_the_list_of_names(string text)
    {
        Assert.False(EmbeddingVariant.TryParse(text, out _));
        var error = Assert.Throws<FormatException>(() => EmbeddingVariant.Parse(text));
        Assert.Contains("ArcticXs-fp32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_name_round_trips_and_the_default_is_arctic_in_int8()
    {
        Assert.Equal("ArcticXs-int8", EmbeddingVariant.Default.ToString());
        Assert.All(EmbeddingVariant.Names, name => Assert.Equal(name, EmbeddingVariant.Parse(name).ToString()));
    }

    [Fact]
    public void Command_line_parsers_convert_it_from_text() =>
        Assert.Equal(new EmbeddingVariant(EmbeddingModelKind.MiniLM, EmbeddingPrecision.Fp32), TypeDescriptor.GetConverter(typeof(EmbeddingVariant)).ConvertFromInvariantString("MiniLM-fp32"));
}
