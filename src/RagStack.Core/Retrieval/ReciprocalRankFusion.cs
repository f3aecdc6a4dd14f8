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
        ArgumentNullException.ThrowIfNull(rankings);
        ArgumentOutOfRangeException.ThrowIfNegative(top);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
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
                var contribution = weight / (k + i + 1);
                fused[chunk.Id] = fused.TryGetValue(chunk.Id, out var seen)
                    ? (seen.Chunk, seen.Score + contribution, Math.Min(seen.BestRank, i))
                    : (chunk, contribution, i);
            }
        }

        // Ties (equal fused score) go to the chunk ranked higher somewhere, then to the id, so results are deterministic.
        return fused.Values
            .OrderByDescending(v => v.Score)
            .ThenBy(v => v.BestRank)
            .ThenBy(v => v.Chunk.Id, StringComparer.Ordinal)
            .Take(top)
            .Select(v => new ScoredChunk(v.Chunk, v.Score))
            .ToList();
    }
}
