using RagStack.Input;

namespace RagStack.Retrieval;

/// <summary>How hybrid retrieval combines its dense and keyword rankings.</summary>
public enum FusionMethod
{
    /// <summary>Weighted reciprocal rank (<see cref="ReciprocalRankFusion"/>): uses ranks only.</summary>
    ReciprocalRank,
    /// <summary>Weighted sum of min–max scaled scores (<see cref="ConvexScoreFusion"/>).</summary>
    Convex,
    /// <summary>Weighted sum of scores scaled by their spread, mean ± 3σ (<see cref="DistributionScoreFusion"/>).</summary>
    DistributionBased,
}

/// <summary>Settings of hybrid retrieval, bound from <c>RagStack:Retrieval</c>.</summary>
public sealed class RetrievalOptions
{
    /// <summary>The configuration section these settings are bound from.</summary>
    public const string Section = RagStackSections.Retrieval;

    /// <summary>How many candidates each ranking (dense, keyword) contributes before fusion.</summary>
    public int Candidates { get; set; } = 50;

    /// <summary>
    /// Weight of the dense ranking in fusion. The defaults (0.5 / 0.5, convex, adaptive with the evidence ramp 0.3–0.5) were chosen on the
    /// dev split of corpora/quenby-island, on corpora/genai-engineering and on SciFact train; docs/notes/NOTES-issue-14.md has the rest.
    /// </summary>
    public double DenseWeight { get; set; } = 0.5;

    /// <summary>Weight of the keyword (BM25) ranking in fusion, before <see cref="AdaptiveKeywordWeight"/> scales it.</summary>
    public double KeywordWeight { get; set; } = 0.5;

    /// <summary>How the two rankings are combined.</summary>
    public FusionMethod Fusion { get; set; } = FusionMethod.Convex;

    /// <summary>The rank offset k of reciprocal-rank fusion.</summary>
    public int FusionK { get; set; } = ReciprocalRankFusion.DefaultK;

    /// <summary>
    /// Scales the keyword weight per query by how much lexical evidence there is: the share of the query's words that the
    /// best BM25 candidate holds. A question in the user's own words shares few words with its passage, so BM25 then
    /// ranks by chance and its weight falls towards zero; a question that quotes the text keeps it.
    /// </summary>
    public bool AdaptiveKeywordWeight { get; set; } = true;

    /// <summary>
    /// The power the lexical evidence is raised to before it scales the keyword weight: above 1, a query that shares a
    /// few incidental words with the text (a paraphrase) loses BM25's vote faster than one that quotes it.
    /// </summary>
    public double AdaptiveExponent { get; set; } = 1;

    /// <summary>
    /// Lexical evidence at or below this share of the query's words counts as none: BM25 loses its vote. Questions in the
    /// user's own words share a few incidental words with their passage (0.1–0.3), which should not buy BM25 a say.
    /// </summary>
    public double EvidenceFloor { get; set; } = 0.3;

    /// <summary>
    /// The reranker that re-orders hybrid retrieval's best <see cref="RerankCandidates"/> after fusion. Off by default: on
    /// the evaluation sets neither built-in nor absent cross-encoder paid for its latency (docs/notes/NOTES-issue-14.md).
    /// </summary>
    public RerankMethod Rerank { get; set; } = RerankMethod.None;

    /// <summary>How many fused candidates the reranker scores; the rest keep their fused order below them.</summary>
    public int RerankCandidates { get; set; } = 20;

    /// <summary>Lexical evidence at or above this share counts in full: BM25 keeps its whole <see cref="KeywordWeight"/>.</summary>
    public double EvidenceCeiling { get; set; } = 0.5;
}
