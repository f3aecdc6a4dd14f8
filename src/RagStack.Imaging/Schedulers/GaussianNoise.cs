namespace RagStack.Imaging.Schedulers;

/// <summary>Standard normal numbers from a seed (Box–Muller over <see cref="Random"/>): the same seed draws the same image.</summary>
internal sealed class GaussianNoise(long seed)
{
    private readonly Random _random = new(unchecked((int)(seed ^ (seed >>> 32))));
    private double? _spare;

    public float Next()
    {
        if (_spare is { } spare)
        {
            _spare = null;
            return (float)spare;
        }

        double u1;
        do
        {
            u1 = _random.NextDouble();
        }
        while (u1 <= double.Epsilon);
        var u2 = _random.NextDouble();
        var r = Math.Sqrt(-2 * Math.Log(u1));
        _spare = r * Math.Sin(2 * Math.PI * u2);
        return (float)(r * Math.Cos(2 * Math.PI * u2));
    }

    public void Fill(Span<float> values, float scale = 1f)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Next() * scale;
        }
    }
}
