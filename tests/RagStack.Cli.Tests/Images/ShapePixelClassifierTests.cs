using RagStack.Cli.Bench.Images;
using RagStack.Imaging;
using SkiaSharp;

namespace RagStack.Cli.Tests.Images;

/// <summary>The bench's classifier on scenes drawn here with SkiaSharp, not by the model or the training script.</summary>
public sealed class ShapePixelClassifierTests
{
    private static (int W, int H, byte[] Rgb) Draw(int colour, int background, Action<SKCanvas, SKPaint> shape, bool second = false)
    {
        using var bitmap = new SKBitmap(64, 64);
        using var canvas = new SKCanvas(bitmap);
        var (br, bg, bb) = ShapePrompts.Palette[background];
        canvas.Clear(new SKColor(br, bg, bb));
        var (r, g, b) = ShapePrompts.Palette[colour];
        using var paint = new SKPaint { Color = new SKColor(r, g, b), IsAntialias = true, Style = SKPaintStyle.Fill };
        shape(canvas, paint);
        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return PngEncoder.Decode(png.ToArray());
    }

    private static SKPath Polygon(params (float X, float Y)[] points)
    {
        using var builder = new SKPathBuilder();
        builder.MoveTo(points[0].X, points[0].Y);
        foreach (var (x, y) in points.Skip(1))
        {
            builder.LineTo(x, y);
        }

        builder.Close();
        return builder.Detach();
    }

    private static SKPath Star(float cx, float cy, float outer, float inner) =>
        Polygon([.. Enumerable.Range(0, 10).Select(i =>
        {
            var radius = i % 2 == 0 ? outer : inner;
            var angle = -Math.PI / 2 + i * Math.PI / 5;
            return ((float)(cx + radius * Math.Cos(angle)), (float)(cy + radius * Math.Sin(angle)));
        })]);

    public static TheoryData<int, int, int> Scenes => new()
    {
        { 0, 2, 0 }, { 1, 3, 1 }, { 2, 6, 2 }, { 3, 7, 3 }, { 4, 5, 0 }, { 5, 4, 2 }, { 6, 0, 3 }, { 7, 1, 1 },
    };

    [Theory]
    [MemberData(nameof(Scenes))]
    public void Reads_colour_background_and_shape_from_pixels(int colour, int background, int shape)
    {
        var (w, h, rgb) = Draw(colour, background, (canvas, paint) =>
        {
            switch (shape)
            {
                case 0: canvas.DrawCircle(30, 34, 17, paint); break;
                case 1: canvas.DrawRect(16, 18, 30, 30, paint); break;
                case 2: using (var p = Polygon((32, 12), (53, 48), (11, 48))) { canvas.DrawPath(p, paint); } break;
                default: using (var p = Star(32, 34, 21, 9)) { canvas.DrawPath(p, paint); } break;
            }
        });
        var reading = ShapePixelClassifier.Read(w, h, rgb);
        Assert.Equal((colour, background, shape), (reading.Colour, reading.Background, reading.Shape));
    }

    [Fact]
    public void A_plain_background_has_no_shape()
    {
        var (w, h, rgb) = Draw(0, 2, (_, _) => { });
        var reading = ShapePixelClassifier.Read(w, h, rgb);
        Assert.Equal((2, -1, -1), (reading.Background, reading.Colour, reading.Shape));
    }

    [Fact]
    public void Finds_which_object_is_left()
    {
        var (w, h, rgb) = Draw(0, 6, (canvas, paint) =>
        {
            canvas.DrawCircle(16, 32, 9, paint);
            paint.Color = new SKColor(40, 80, 220);
            canvas.DrawRect(40, 24, 16, 16, paint);
        });
        Assert.True(ShapePixelClassifier.CentreX(w, h, rgb, 0) < ShapePixelClassifier.CentreX(w, h, rgb, 2));
    }
}
