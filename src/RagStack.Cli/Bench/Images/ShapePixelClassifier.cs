namespace RagStack.Cli.Bench.Images;

/// <summary>
/// Reads a drawn scene back from its pixels, without the model: the background is the palette colour most of the border
/// is nearest to; the shape's colour is the most common other palette colour among pixels close to one; the shape is the
/// nearest prototype of the largest connected blob of that colour, by fill of its bounding box and the filled share of
/// its rows at 20 %, 50 % and 80 % of its height (measured on the training script's own renderings).
/// </summary>
internal static class ShapePixelClassifier
{
    // fill, row 20 %, row 50 %, row 80 %: circle, square, triangle (apex up), five-pointed star.
    private static readonly double[][] Prototypes =
    [
        [0.79, 0.79, 1.00, 0.81],
        [1.00, 1.00, 1.00, 1.00],
        [0.52, 0.22, 0.53, 0.81],
        [0.41, 0.18, 0.74, 0.53],
    ];

    private const int CloseEnough = 90 * 90;

    public static SceneReading Read(int width, int height, ReadOnlySpan<byte> rgb)
    {
        var labels = new int[width * height];
        for (var i = 0; i < labels.Length; i++)
        {
            labels[i] = Nearest(rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2]);
        }

        var border = new int[ShapePrompts.Palette.Count];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                if ((x < 2 || y < 2 || x >= width - 2 || y >= height - 2) && labels[y * width + x] >= 0)
                {
                    border[labels[y * width + x]]++;
                }
            }
        }

        var background = ArgMax(border);
        var counts = new int[ShapePrompts.Palette.Count];
        foreach (var l in labels)
        {
            if (l >= 0 && l != background)
            {
                counts[l]++;
            }
        }

        var colour = counts.Max() >= width * height / 100 ? ArgMax(counts) : -1;
        if (colour < 0)
        {
            return new SceneReading(background, -1, -1, []);
        }

        var blobs = Blobs(labels, width, height, colour);
        var shape = Classify(blobs[0], width);
        return new SceneReading(background, colour, shape, blobs);
    }

    /// <summary>The mean x of the largest blob of <paramref name="colour"/>, or null when there is none.</summary>
    public static double? CentreX(int width, int height, ReadOnlySpan<byte> rgb, int colour)
    {
        var labels = new int[width * height];
        for (var i = 0; i < labels.Length; i++)
        {
            labels[i] = Nearest(rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2]);
        }

        var blobs = Blobs(labels, width, height, colour);
        return blobs.Count == 0 || blobs[0].Count < width * height / 200 ? null : blobs[0].Average(p => p % width);
    }

    private static int Classify(List<int> blob, int width)
    {
        int x0 = int.MaxValue, x1 = -1, y0 = int.MaxValue, y1 = -1;
        foreach (var p in blob)
        {
            int x = p % width, y = p / width;
            (x0, x1, y0, y1) = (Math.Min(x0, x), Math.Max(x1, x), Math.Min(y0, y), Math.Max(y1, y));
        }

        int w = x1 - x0 + 1, h = y1 - y0 + 1;
        if (w < 3 || h < 3)
        {
            return -1;
        }

        var rows = new int[h];
        foreach (var p in blob)
        {
            rows[p / width - y0]++;
        }

        double Row(double f) => rows[(int)(f * (h - 1))] / (double)w;
        double[] features = [blob.Count / (double)(w * h), Row(0.2), Row(0.5), Row(0.8)];
        var best = -1;
        var bestDistance = double.MaxValue;
        for (var s = 0; s < Prototypes.Length; s++)
        {
            var d = 0.0;
            for (var k = 0; k < features.Length; k++)
            {
                d += Math.Pow(features[k] - Prototypes[s][k], 2);
            }

            if (d < bestDistance)
            {
                (best, bestDistance) = (s, d);
            }
        }

        return best;
    }

    /// <summary>4-connected blobs of pixels labelled <paramref name="colour"/>, largest first.</summary>
    private static List<List<int>> Blobs(int[] labels, int width, int height, int colour)
    {
        var seen = new bool[labels.Length];
        var blobs = new List<List<int>>();
        var stack = new Stack<int>();
        for (var start = 0; start < labels.Length; start++)
        {
            if (seen[start] || labels[start] != colour)
            {
                continue;
            }

            var blob = new List<int>();
            stack.Push(start);
            seen[start] = true;
            while (stack.Count > 0)
            {
                var p = stack.Pop();
                blob.Add(p);
                int x = p % width, y = p / width;
                foreach (var q in (ReadOnlySpan<int>)[x > 0 ? p - 1 : -1, x < width - 1 ? p + 1 : -1, y > 0 ? p - width : -1, y < height - 1 ? p + width : -1])
                {
                    if (q >= 0 && !seen[q] && labels[q] == colour)
                    {
                        seen[q] = true;
                        stack.Push(q);
                    }
                }
            }

            blobs.Add(blob);
        }

        blobs.Sort((a, b) => b.Count.CompareTo(a.Count));
        return blobs;
    }

    private static int Nearest(byte r, byte g, byte b)
    {
        var best = -1;
        var bestDistance = int.MaxValue;
        for (var i = 0; i < ShapePrompts.Palette.Count; i++)
        {
            var (pr, pg, pb) = ShapePrompts.Palette[i];
            var d = (r - pr) * (r - pr) + (g - pg) * (g - pg) + (b - pb) * (b - pb);
            if (d < bestDistance)
            {
                (best, bestDistance) = (i, d);
            }
        }

        return bestDistance <= CloseEnough ? best : -1;
    }

    private static int ArgMax(int[] values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}

/// <summary>What the pixels show: palette indexes of the background and shape colour, the shape's index (−1: none found).</summary>
internal sealed record SceneReading(int Background, int Colour, int Shape, IReadOnlyList<List<int>> Blobs);
