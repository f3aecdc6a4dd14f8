using SkiaSharp;

namespace RagStack.Imaging;

/// <summary>RGB pixels to PNG and back, through SkiaSharp.</summary>
internal static class PngEncoder
{
    public static byte[] Encode(int width, int height, ReadOnlySpan<byte> rgb)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = bitmap.GetPixelSpan();
        for (var i = 0; i < width * height; i++)
        {
            pixels[i * 4] = rgb[i * 3];
            pixels[i * 4 + 1] = rgb[i * 3 + 1];
            pixels[i * 4 + 2] = rgb[i * 3 + 2];
            pixels[i * 4 + 3] = 255;
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>The RGB pixels of a PNG (or any format Skia reads).</summary>
    /// <exception cref="InvalidDataException">The bytes are not an image.</exception>
    public static (int Width, int Height, byte[] Rgb) Decode(ReadOnlySpan<byte> png)
    {
        using var decoded = SKBitmap.Decode(png) ?? throw new InvalidDataException("the bytes are not an image Skia can read");
        using var bitmap = decoded.ColorType == SKColorType.Rgba8888 ? decoded.Copy() : decoded.Copy(SKColorType.Rgba8888);
        var pixels = bitmap.GetPixelSpan();
        var rgb = new byte[bitmap.Width * bitmap.Height * 3];
        for (var i = 0; i < bitmap.Width * bitmap.Height; i++)
        {
            rgb[i * 3] = pixels[i * 4];
            rgb[i * 3 + 1] = pixels[i * 4 + 1];
            rgb[i * 3 + 2] = pixels[i * 4 + 2];
        }

        return (bitmap.Width, bitmap.Height, rgb);
    }
}
