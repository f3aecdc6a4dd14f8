using Xunit;
using RagStack.Evaluation;

namespace RagStack.Core.Tests.Evaluation;

public sealed class RetrievalMetricsTests
{
    private static readonly HashSet<string> Relevant = ["r1", "r2"];

    [Fact]
    public void Ndcg_of_a_perfect_ranking_is_one()
    {
        Assert.Equal(1.0, RetrievalMetrics.NdcgAt(["r1", "r2", "x"], Relevant, 10), 12);
    }

    [Fact]
    public void Ndcg_discounts_relevant_items_by_log2_of_rank()
    {
        // Relevant at ranks 2 and 3: DCG = 1/log2(3) + 1/log2(4); ideal = 1 + 1/log2(3).
        var expected = (1 / Math.Log2(3) + 0.5) / (1 + 1 / Math.Log2(3));
        Assert.Equal(expected, RetrievalMetrics.NdcgAt(["x", "r1", "r2"], Relevant, 10), 12);
    }

    [Fact]
    public void Ndcg_counts_a_repeated_item_once()
    {
        Assert.Equal(RetrievalMetrics.NdcgAt(["r1"], Relevant, 10), RetrievalMetrics.NdcgAt(["r1", "r1"], Relevant, 10), 12);
    }

    [Fact]
    public void Ndcg_ignores_items_past_k()
    {
        Assert.Equal(0.0, RetrievalMetrics.NdcgAt(["x", "y", "r1"], Relevant, 2));
    }

    [Fact]
    public void Recall_is_the_share_of_relevant_items_found_in_the_top_k()
    {
        Assert.Equal(0.5, RetrievalMetrics.RecallAt(["x", "r2", "y"], Relevant, 5));
        Assert.Equal(0.0, RetrievalMetrics.RecallAt(["x", "y", "r2"], Relevant, 2));
    }

    [Fact]
    public void Reciprocal_rank_is_one_over_the_first_relevant_rank()
    {
        Assert.Equal(1.0 / 3, RetrievalMetrics.ReciprocalRank(["x", "y", "r1"], Relevant), 12);
        Assert.Equal(0.0, RetrievalMetrics.ReciprocalRank(["x", "y", "r1"], Relevant, k: 2));
    }
}
