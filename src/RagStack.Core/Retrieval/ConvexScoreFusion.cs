using RagStack.Chunks;

namespace RagStack.Retrieval;

/// <summary>
/// Fuses rankings by a weighted sum of their scores, each ranking's scores first scaled to [0, 1] by min–max over its
/// own candidates (a chunk a ranking did not return scores 0 there). Unlike reciprocal rank it keeps how far apart
/// candidates are, which helps when one ranking is confident and the other is not (Bruch et al., 2023).
/// </summary>
public static class ConvexScoreFusion
{
    /// <summary>Fuses <paramref name="rankings"/> (each best first) and returns the best <paramref name="top"/>.</summary>
    /// <param name="rankings">The rankings to fuse, each ordered best first with its own scores.</param>
    /// <param name="weights">One weight per ranking; null weighs all rankings 1.</param>
    /// <param name="top">How many fused results to return.</param>
    public static IReadOnlyList<ScoredChunk> Fuse(IReadOnlyList<IReadOnlyList<ScoredChunk>> rankings, IReadOnlyList<double>? weights, int top)
    {
        ArgumentNullException.ThrowIfNull(rankings);
        var ranges = rankings.Select(r => r.Count == 0 ? (Min: 0.0, Span: 0.0) : (Min: r.Min(s => s.Score), Span: r.Max(s => s.Score) - r.Min(s => s.Score))).ToList();
        return WeightedFusion.Fuse(rankings, weights, top, (r, i) =>
        {
            var (min, span) = ranges[r];
            // A ranking of one candidate, or of equal scores, says "all equally good": each gets the full weight.
            return span > 0 ? (rankings[r][i].Score - min) / span : 1.0;
        });
    }
}
