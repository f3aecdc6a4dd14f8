namespace RagStack.Training.Tests;

/// <summary>Our flat [rows, vocabulary] logits in the per-position shape <see cref="LlamaLogits"/> returns, and their size.</summary>
internal static class LogitRows
{
    public static float[][] Split(float[] logits, int rows) => [.. logits.Chunk(logits.Length / rows)];

    /// <summary>The largest logit magnitude, so a tolerance can be read against the size of what is compared.</summary>
    public static double MaxAbs(float[][] a) => a.SelectMany(r => r).Max(x => Math.Abs((double)x));
}
