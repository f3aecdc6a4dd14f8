using RagStack.Chunks;

namespace RagStack.Retrieval;

/// <summary>
/// Fuses several rankings of chunks into one by weighted reciprocal rank: a chunk's score is the sum over rankings
/// of <c>weight / (k + rank)</c>, rank starting at 1. Rank-based, so BM25 scores and cosine similarities need no
/// common scale.
/// </summary>
public static class ReciprocalRankFusion
{
    /// <summary>The customary constant from Cormack et al. (2009).</summary>
    public const int DefaultK = 60;

    /// <summary>Fuses <paramref name="rankings"/> (each best first) and returns the best <paramref name="top"/>.</summary>
    /// <param name="rankings">The rankings to fuse, each ordered best first.</param>
    /// <param name="weights">One weight per ranking; null weighs all rankings 1.</param>
    /// <param name="top">How many fused results to return.</param>
    /// <param name="k">The rank offset; larger values flatten the difference between top ranks.</param>
    public static IReadOnlyList<ScoredChunk> Fuse(IReadOnlyList<IReadOnlyList<ScoredChunk>> rankings, IReadOnlyList<double>? weights, int top, int k = DefaultK)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        return WeightedFusion.Fuse(rankings, weights, top, (_, i) => 1.0 / (k + i + 1));
    }
}
