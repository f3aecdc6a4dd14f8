namespace RagStack.Evaluation;

/// <summary>
/// Standard ranking metrics over one query's ranked list of item ids (documents, pages) against the set of relevant ids,
/// with binary relevance, as BEIR and TREC compute them.
/// </summary>
public static class RetrievalMetrics
{
    /// <summary>The share of relevant items found in the first <paramref name="k"/> results.</summary>
    public static double RecallAt(IReadOnlyList<string> ranked, IReadOnlySet<string> relevant, int k)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        ArgumentNullException.ThrowIfNull(relevant);
        if (relevant.Count == 0)
        {
            return 0;
        }

        return (double)ranked.Take(k).Distinct(StringComparer.Ordinal).Count(relevant.Contains) / relevant.Count;
    }

    /// <summary>1 / rank of the first relevant result within the first <paramref name="k"/>, or 0.</summary>
    public static double ReciprocalRank(IReadOnlyList<string> ranked, IReadOnlySet<string> relevant, int k = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        ArgumentNullException.ThrowIfNull(relevant);
        for (var i = 0; i < Math.Min(k, ranked.Count); i++)
        {
            if (relevant.Contains(ranked[i]))
            {
                return 1.0 / (i + 1);
            }
        }

        return 0;
    }

    /// <summary>
    /// Normalised discounted cumulative gain at <paramref name="k"/> with binary gains: DCG = Σ 1/log2(rank+1) over relevant
    /// results (each counted once), divided by the DCG of the ideal ranking.
    /// </summary>
    public static double NdcgAt(IReadOnlyList<string> ranked, IReadOnlySet<string> relevant, int k)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        ArgumentNullException.ThrowIfNull(relevant);
        if (relevant.Count == 0)
        {
            return 0;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var dcg = 0.0;
        for (var i = 0; i < Math.Min(k, ranked.Count); i++)
        {
            if (relevant.Contains(ranked[i]) && seen.Add(ranked[i]))
            {
                dcg += 1.0 / Math.Log2(i + 2);
            }
        }

        var ideal = 0.0;
        for (var i = 0; i < Math.Min(k, relevant.Count); i++)
        {
            ideal += 1.0 / Math.Log2(i + 2);
        }

        return dcg / ideal;
    }
}
