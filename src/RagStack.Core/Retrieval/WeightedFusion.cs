using RagStack.Chunks;

namespace RagStack.Retrieval;

/// <summary>
/// The part every fusion shares: sum each chunk's weighted contributions over the rankings, then order by the sum,
/// breaking ties by the chunk's best rank anywhere and then by id, so results are deterministic.
/// </summary>
internal static class WeightedFusion
{
    /// <param name="rankings">The rankings, each best first.</param>
    /// <param name="weights">One weight per ranking, or null for 1 each.</param>
    /// <param name="top">How many fused results to return.</param>
    /// <param name="contribution">The unweighted contribution of ranking r (first argument) for its chunk at a 0-based position (second).</param>
    public static IReadOnlyList<ScoredChunk> Fuse(
        IReadOnlyList<IReadOnlyList<ScoredChunk>> rankings,
        IReadOnlyList<double>? weights,
        int top,
        Func<int, int, double> contribution)
    {
        ArgumentNullException.ThrowIfNull(rankings);
        ArgumentOutOfRangeException.ThrowIfNegative(top);
        if (weights is not null && weights.Count != rankings.Count)
        {
            throw new ArgumentException($"Got {weights.Count} weights for {rankings.Count} rankings.", nameof(weights));
        }

        var fused = new Dictionary<string, (ChunkRecord Chunk, double Score, int BestRank)>(StringComparer.Ordinal);
        for (var r = 0; r < rankings.Count; r++)
        {
            var weight = weights?[r] ?? 1.0;
            var ranking = rankings[r];
            for (var i = 0; i < ranking.Count; i++)
            {
                var chunk = ranking[i].Chunk;
                var score = weight * contribution(r, i);
                fused[chunk.Id] = fused.TryGetValue(chunk.Id, out var seen)
                    ? (seen.Chunk, seen.Score + score, Math.Min(seen.BestRank, i))
                    : (chunk, score, i);
            }
        }

        return fused.Values
            .OrderByDescending(v => v.Score)
            .ThenBy(v => v.BestRank)
            .ThenBy(v => v.Chunk.Id, StringComparer.Ordinal)
            .Take(top)
            .Select(v => new ScoredChunk(v.Chunk, v.Score))
            .ToList();
    }
}
