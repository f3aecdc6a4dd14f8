namespace RagStack.Cli.Bench.Images;

/// <summary>
/// The bench's prompts over the shapes-64 vocabulary, and which colour/background/shape combinations its training script
/// held out (the same rule as <c>held_out</c> in <c>shapes_diffusion.py</c>), so unseen combinations are measured too.
/// </summary>
internal static class ShapePrompts
{
    public static IReadOnlyList<string> Colours { get; } = ["red", "green", "blue", "yellow", "purple", "orange", "white", "black"];

    public static IReadOnlyList<string> Shapes { get; } = ["circle", "square", "triangle", "star"];

    /// <summary>The RGB the training script draws each colour with.</summary>
    public static IReadOnlyList<(byte R, byte G, byte B)> Palette { get; } =
        [(220, 40, 40), (40, 170, 60), (40, 80, 220), (240, 220, 40), (140, 60, 180), (245, 140, 30), (245, 245, 245), (20, 20, 20)];

    public static bool HeldOut(int colour, int background, int shape) => (colour * 7 + background * 3 + shape * 5) % 9 == 0;

    /// <summary>Every held-out combination, then seen ones spread evenly over the rest, <paramref name="count"/> in all.</summary>
    public static IReadOnlyList<ShapePrompt> Single(int count)
    {
        var all = new List<ShapePrompt>();
        for (var c = 0; c < Colours.Count; c++)
        {
            for (var b = 0; b < Colours.Count; b++)
            {
                for (var s = 0; s < Shapes.Count; s++)
                {
                    if (c != b)
                    {
                        all.Add(new ShapePrompt(c, b, s, HeldOut(c, b, s)));
                    }
                }
            }
        }

        var held = all.Where(p => p.HeldOut).ToList();
        var seen = all.Where(p => !p.HeldOut).ToList();
        var take = Math.Max(0, count - held.Count);
        var stride = (double)seen.Count / Math.Max(1, take);
        var picked = Enumerable.Range(0, Math.Min(take, seen.Count)).Select(i => seen[(int)(i * stride)]);
        return [.. held.Take(count), .. picked];
    }

    /// <summary>Two objects side by side: "a red circle left of a blue square on a white background".</summary>
    public static IReadOnlyList<PairPrompt> Pairs(int count)
    {
        var list = new List<PairPrompt>();
        for (var i = 0; list.Count < count; i++)
        {
            var b = i % 8;
            var c1 = (b + 1 + i % 7) % 8;
            var c2 = (c1 + 1 + (i / 7) % 6) % 8;
            if (c2 == b)
            {
                c2 = (c2 + 1) % 8;
            }

            if (c1 == c2 || c1 == b)
            {
                continue;
            }

            list.Add(new PairPrompt(c1, i % 4, c2, (i / 4) % 4, b, LeftFirst: i % 2 == 0));
        }

        return list;
    }
}

internal sealed record ShapePrompt(int Colour, int Background, int Shape, bool HeldOut)
{
    public string Text => $"a {ShapePrompts.Colours[Colour]} {ShapePrompts.Shapes[Shape]} on a {ShapePrompts.Colours[Background]} background";
}

/// <summary>Object A is left of object B; the prompt says so one way or the other ("A left of B" / "B right of A").</summary>
internal sealed record PairPrompt(int ColourA, int ShapeA, int ColourB, int ShapeB, int Background, bool LeftFirst)
{
    public string Text
    {
        get
        {
            string a = $"a {ShapePrompts.Colours[ColourA]} {ShapePrompts.Shapes[ShapeA]}", b = $"a {ShapePrompts.Colours[ColourB]} {ShapePrompts.Shapes[ShapeB]}";
            var bg = $" on a {ShapePrompts.Colours[Background]} background";
            return LeftFirst ? $"{a} left of {b}{bg}" : $"{b} right of {a}{bg}";
        }
    }
}
