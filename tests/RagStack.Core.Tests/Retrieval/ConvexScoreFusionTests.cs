using RagStack.Chunks;
using Xunit;
using RagStack.Retrieval;
using static RagStack.Core.Tests.Retrieval.ScoredChunks;

namespace RagStack.Core.Tests.Retrieval;

public sealed class ConvexScoreFusionTests
{
    [Fact]
    public void Scores_are_scaled_per_ranking_so_bm25_and_cosine_weigh_the_same()
    {
        // BM25 scores in the tens, cosine similarities near 0.8: after scaling both span [0, 1].
        IReadOnlyList<ScoredChunk> keyword = [Scored("a", 30), Scored("b", 20), Scored("c", 10)];
        IReadOnlyList<ScoredChunk> dense = [Scored("c", 0.90), Scored("b", 0.85), Scored("a", 0.80)];

        var fused = ConvexScoreFusion.Fuse([keyword, dense], null, top: 3);

        Assert.All(fused, f => Assert.Equal(1.0, f.Score, 12));
    }

    [Fact]
    public void A_confident_ranking_keeps_its_margin_where_reciprocal_rank_would_flatten_it()
    {
        IReadOnlyList<ScoredChunk> keyword = [Scored("a", 100), Scored("b", 1.1), Scored("c", 1.0)];
        IReadOnlyList<ScoredChunk> dense = [Scored("b", 0.81), Scored("a", 0.80), Scored("c", 0.70)];

        var fused = ConvexScoreFusion.Fuse([keyword, dense], null, top: 3);
        var reciprocal = ReciprocalRankFusion.Fuse([keyword, dense], null, top: 3);

        // Reciprocal rank sees a and b at ranks 1 and 2 in both lists: a tie. The scores say a is far ahead.
        Assert.Equal(reciprocal[0].Score, reciprocal[1].Score, 12);
        Assert.Equal("a", fused[0].Chunk.Id);
        Assert.True(fused[0].Score > fused[1].Score + 0.5);
    }

    [Fact]
    public void Weights_scale_each_rankings_share()
    {
        IReadOnlyList<ScoredChunk> keyword = [Scored("a", 2), Scored("b", 1)];
        IReadOnlyList<ScoredChunk> dense = [Scored("b", 0.9), Scored("a", 0.1)];

        Assert.Equal("a", ConvexScoreFusion.Fuse([keyword, dense], [0.7, 0.3], top: 1)[0].Chunk.Id);
        Assert.Equal("b", ConvexScoreFusion.Fuse([keyword, dense], [0.3, 0.7], top: 1)[0].Chunk.Id);
    }

    [Fact]
    public void A_chunk_missing_from_a_ranking_scores_zero_there()
    {
        IReadOnlyList<ScoredChunk> keyword = [Scored("a", 5), Scored("b", 1)];
        IReadOnlyList<ScoredChunk> dense = [Scored("x", 0.9), Scored("a", 0.5)];

        var fused = ConvexScoreFusion.Fuse([keyword, dense], null, top: 3).ToDictionary(f => f.Chunk.Id, f => f.Score);

        Assert.Equal(1.0, fused["a"], 12);
        Assert.Equal(1.0, fused["x"], 12);
        Assert.Equal(0.0, fused["b"], 12);
    }

    [Fact]
    public void Empty_rankings_give_an_empty_result()
    {
        Assert.Empty(ConvexScoreFusion.Fuse([[], []], null, top: 5));
    }
}
