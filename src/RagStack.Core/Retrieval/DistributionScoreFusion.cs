using RagStack.Chunks;

namespace RagStack.Retrieval;

/// <summary>
/// Distribution-based score fusion (as Qdrant's DBSF): each ranking's scores are scaled by their own spread, mapping
/// mean − 3σ to 0 and mean + 3σ to 1 (clamped), then summed with the rankings' weights; a chunk a ranking did not return
/// scores 0 there. Unlike min–max scaling, a ranking whose candidates all score alike (weak BM25 evidence, a flat cosine
/// list) keeps its top candidate near the middle instead of stretching it to 1.
/// </summary>
public static class DistributionScoreFusion
{
    private const double Sigmas = 3.0;

    /// <summary>Fuses <paramref name="rankings"/> (each best first) and returns the best <paramref name="top"/>.</summary>
    /// <param name="rankings">The rankings to fuse, each ordered best first with its own scores.</param>
    /// <param name="weights">One weight per ranking; null weighs all rankings 1.</param>
    /// <param name="top">How many fused results to return.</param>
    public static IReadOnlyList<ScoredChunk> Fuse(IReadOnlyList<IReadOnlyList<ScoredChunk>> rankings, IReadOnlyList<double>? weights, int top)
    {
        ArgumentNullException.ThrowIfNull(rankings);
        var limits = rankings.Select(Limits).ToList();
        return WeightedFusion.Fuse(rankings, weights, top, (r, i) =>
        {
            var (low, span) = limits[r];
            // One candidate, or all equal: no spread to measure, so each sits at the middle of the scale.
            return span > 0 ? Math.Clamp((rankings[r][i].Score - low) / span, 0, 1) : 0.5;
        });
    }

    private static (double Low, double Span) Limits(IReadOnlyList<ScoredChunk> ranking)
    {
        if (ranking.Count == 0)
        {
            return (0, 0);
        }

        var mean = ranking.Average(s => s.Score);
        var deviation = Math.Sqrt(ranking.Sum(s => (s.Score - mean) * (s.Score - mean)) / ranking.Count);
        return (mean - (Sigmas * deviation), 2 * Sigmas * deviation);
    }
}
