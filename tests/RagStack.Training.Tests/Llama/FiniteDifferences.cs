namespace RagStack.Training.Tests.Llama;

/// <summary>Central finite differences in double precision, the reference every backward pass is checked against.</summary>
internal static class FiniteDifferences
{
    private const double Step = 1e-5;

    /// <summary>Asserts that <paramref name="analytic"/>[i] is ∂loss/∂<paramref name="values"/>[i] for each checked index (all, or every <paramref name="stride"/>-th).</summary>
    public static void Check(string name, double[] values, double[] analytic, Func<double> loss, int stride = 1)
    {
        Assert.Equal(values.Length, analytic.Length);
        var checkedAny = false;
        for (var i = 0; i < values.Length; i += stride)
        {
            var original = values[i];
            values[i] = original + Step;
            var up = loss();
            values[i] = original - Step;
            var down = loss();
            values[i] = original;
            var numeric = (up - down) / (2 * Step);
            var tolerance = 1e-6 * Math.Max(1, Math.Abs(numeric));
            Assert.True(Math.Abs(numeric - analytic[i]) <= tolerance, $"{name}[{i}]: backward gives {analytic[i]:E6}, finite differences {numeric:E6}");
            checkedAny |= numeric != 0;
        }

        Assert.True(checkedAny, $"{name}: every checked derivative is zero, which proves nothing");
    }

    public static double[] Random(Random random, int count, double scale = 1) =>
        [.. Enumerable.Range(0, count).Select(_ => ((random.NextDouble() * 2) - 1) * scale)];

    /// <summary><c>Σ w · y</c>: a loss whose gradient with respect to <c>y</c> is <c>w</c>.</summary>
    public static double Weighted(double[] weights, double[] y) => weights.Zip(y).Sum(p => p.First * p.Second);
}
