using RagStack.Chunks;

namespace RagStack.Retrieval;

/// <summary>How much of a query a keyword ranking actually matched: the share of its content words in the best candidate.</summary>
internal static class LexicalEvidence
{
    /// <summary>1 when every content word of <paramref name="query"/> is in the best candidate, 0 when none is or nothing was found.</summary>
    public static double Of(string query, IReadOnlyList<ScoredChunk> keywordRanking)
    {
        ArgumentNullException.ThrowIfNull(keywordRanking);
        if (keywordRanking.Count == 0)
        {
            return ContentWords.Stems(query).Count == 0 ? 1 : 0;
        }

        var best = keywordRanking[0].Chunk;
        return ContentWords.Overlap(query, $"{best.DocumentName}\n{best.Text}");
    }

    /// <summary>
    /// The share of <see cref="RetrievalOptions.KeywordWeight"/> that a query with this lexical evidence keeps: 0 up to
    /// <see cref="RetrievalOptions.EvidenceFloor"/>, 1 from <see cref="RetrievalOptions.EvidenceCeiling"/>, a straight
    /// ramp between, raised to <see cref="RetrievalOptions.AdaptiveExponent"/>.
    /// </summary>
    public static double KeywordShare(RetrievalOptions options, double evidence)
    {
        ArgumentNullException.ThrowIfNull(options);
        var ramp = options.EvidenceCeiling > options.EvidenceFloor
            ? Math.Clamp((evidence - options.EvidenceFloor) / (options.EvidenceCeiling - options.EvidenceFloor), 0, 1)
            : evidence >= options.EvidenceCeiling ? 1 : 0;
        return Math.Pow(ramp, options.AdaptiveExponent);
    }
}
