using RagStack.Models.Adapters;

namespace RagStack.Models.Tests.Adapters;

public sealed class RotaryRowOrderTests
{
    [Fact]
    public void Each_heads_two_halves_are_interleaved_and_whole_rows_move_together()
    {
        // Two heads of 4 rows, 2 values a row; each value names its Hugging Face row.
        float[] rows = [.. Enumerable.Range(0, 8).SelectMany(r => new[] { r, r + 0.5f })];

        var gguf = RotaryRowOrder.HuggingFaceToGguf(rows, rowCount: 8, rowLength: 2, heads: 2);

        Assert.Equal([0, 0.5f, 2, 2.5f, 1, 1.5f, 3, 3.5f, 4, 4.5f, 6, 6.5f, 5, 5.5f, 7, 7.5f], gguf);
    }

    [Fact]
    public void Gguf_to_hugging_face_splits_each_heads_interleaved_rows_back_into_two_halves()
    {
        // Two heads of 4 rows, 2 values a row; each value names its GGUF row.
        float[] rows = [.. Enumerable.Range(0, 8).SelectMany(r => new[] { r, r + 0.5f })];

        var huggingFace = RotaryRowOrder.GgufToHuggingFace(rows, rowCount: 8, rowLength: 2, heads: 2);

        Assert.Equal([0, 0.5f, 2, 2.5f, 1, 1.5f, 3, 3.5f, 4, 4.5f, 6, 6.5f, 5, 5.5f, 7, 7.5f], huggingFace);
    }

    [Theory]
    [InlineData(1, 8)]
    [InlineData(2, 16)]
    [InlineData(4, 8)]
    [InlineData(8, 64)]
    public void The_two_orders_are_inverse_of_each_other(int heads, int headDimension)
    {
        var random = new Random(heads * 100 + headDimension);
        var (rowCount, rowLength) = (heads * headDimension, 3);
        float[] rows = [.. Enumerable.Range(0, rowCount * rowLength).Select(_ => random.NextSingle())];

        var toGguf = RotaryRowOrder.HuggingFaceToGguf(rows, rowCount, rowLength, heads);
        var toHuggingFace = RotaryRowOrder.GgufToHuggingFace(rows, rowCount, rowLength, heads);

        Assert.Equal(rows, RotaryRowOrder.GgufToHuggingFace(toGguf, rowCount, rowLength, heads));
        Assert.Equal(rows, RotaryRowOrder.HuggingFaceToGguf(toHuggingFace, rowCount, rowLength, heads));
        if (headDimension > 2)
        {
            Assert.NotEqual(rows, toGguf); // else the round trips above would prove nothing
        }
    }

    [Theory]
    [InlineData(8, 3)]
    [InlineData(6, 2)]
    public void Rows_that_do_not_split_into_heads_of_even_size_are_refused(int rowCount, int heads)
    {
        Assert.Throws<ArgumentException>(() => RotaryRowOrder.HuggingFaceToGguf(new float[rowCount], rowCount, 1, heads));
        Assert.Throws<ArgumentException>(() => RotaryRowOrder.GgufToHuggingFace(new float[rowCount], rowCount, 1, heads));
    }
}
