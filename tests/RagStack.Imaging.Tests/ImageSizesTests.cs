using Xunit;

namespace RagStack.Imaging.Tests;

public sealed class ImageSizesTests
{
    [Theory]
    [InlineData("64x64", 64, 64)]
    [InlineData("48X32", 48, 32)]
    public void Reads_width_by_height(string text, int width, int height)
    {
        Assert.True(ImageSizes.TryParse(text, out var size));
        Assert.Equal((width, height), (size.Width, size.Height));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("64")]
    [InlineData("64x")]
    [InlineData("0x64")]
    [InlineData("-8x64")]
    [InlineData("64x64x3")]
    [InlineData("big")]
    public void Refuses_anything_else(string? text) => Assert.False(ImageSizes.TryParse(text, out _));
}
