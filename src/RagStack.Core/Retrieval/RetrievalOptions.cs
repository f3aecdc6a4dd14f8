using RagStack.Input;

namespace RagStack.Retrieval;

/// <summary>How hybrid retrieval combines its dense and keyword rankings.</summary>
public enum FusionMethod
{
    /// <summary>Weighted reciprocal rank (<see cref="ReciprocalRankFusion"/>): uses ranks only.</summary>
    ReciprocalRank,
    /// <summary>Weighted sum of min–max scaled scores (<see cref="ConvexScoreFusion"/>).</summary>
    Convex,
}

/// <summary>Settings of hybrid retrieval, bound from <c>RagStack:Retrieval</c>.</summary>
public sealed class RetrievalOptions
{
    /// <summary>The configuration section these settings are bound from.</summary>
    public const string Section = RagStackSections.Retrieval;

    /// <summary>How many candidates each ranking (dense, keyword) contributes before fusion.</summary>
    public int Candidates { get; set; } = 50;

    /// <summary>Weight of the dense ranking in fusion. The defaults were chosen on SciFact's training claims.</summary>
    public double DenseWeight { get; set; } = 0.4;

    /// <summary>Weight of the keyword (BM25) ranking in fusion.</summary>
    public double KeywordWeight { get; set; } = 0.6;

    /// <summary>How the two rankings are combined.</summary>
    public FusionMethod Fusion { get; set; } = FusionMethod.Convex;

    /// <summary>The rank offset k of reciprocal-rank fusion.</summary>
    public int FusionK { get; set; } = ReciprocalRankFusion.DefaultK;
}
