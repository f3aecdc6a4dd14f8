using RagStack.Chunks;
using RagStack.Retrieval;
using Xunit;
using static RagStack.Core.Tests.Retrieval.ScoredChunks;

namespace RagStack.Core.Tests.Retrieval;

public sealed class DistributionScoreFusionTests
{
    [Fact]
    public void A_ranking_whose_scores_barely_differ_cannot_outvote_one_with_a_clear_winner()
    {
        // Weak keyword evidence: five candidates within a few hundredths. Min–max would stretch "k1" to 1 all the same.
        IReadOnlyList<ScoredChunk> keyword = [Scored("k1", 2.05), Scored("d1", 2.04), Scored("x", 2.03), Scored("y", 2.02), Scored("z", 2.01)];
        IReadOnlyList<ScoredChunk> dense = [Scored("d1", 0.90), Scored("k1", 0.62), Scored("x", 0.61), Scored("y", 0.60), Scored("z", 0.59)];

        var fused = DistributionScoreFusion.Fuse([dense, keyword], [0.5, 0.5], top: 2);

        Assert.Equal("d1", fused[0].Chunk.Id);
    }

    [Fact]
    public void Scores_map_mean_plus_and_minus_three_deviations_to_the_ends_of_the_scale()
    {
        // Mean 0, deviation 1 (population): +1 maps to (1 + 3) / 6, −1 to (−1 + 3) / 6.
        IReadOnlyList<ScoredChunk> ranking = [Scored("a", 1), Scored("b", -1)];

        var fused = DistributionScoreFusion.Fuse([ranking], null, top: 2).ToDictionary(f => f.Chunk.Id, f => f.Score);

        Assert.Equal(4.0 / 6, fused["a"], 12);
        Assert.Equal(2.0 / 6, fused["b"], 12);
    }

    [Fact]
    public void A_chunk_missing_from_a_ranking_scores_zero_there_and_a_single_candidate_sits_at_the_middle()
    {
        IReadOnlyList<ScoredChunk> keyword = [Scored("a", 7)];
        IReadOnlyList<ScoredChunk> dense = [Scored("b", 0.9), Scored("a", 0.1)];

        var fused = DistributionScoreFusion.Fuse([keyword, dense], null, top: 2).ToDictionary(f => f.Chunk.Id, f => f.Score);

        Assert.Equal(0.5 + (2.0 / 6), fused["a"], 12);
        Assert.Equal(4.0 / 6, fused["b"], 12);
    }

    [Fact]
    public void Empty_rankings_give_an_empty_result()
    {
        Assert.Empty(DistributionScoreFusion.Fuse([[], []], null, top: 5));
    }
}
