using Xunit;
using RagStack.Chunks;
using RagStack.Retrieval;

namespace RagStack.Core.Tests.Retrieval;

public sealed class ReciprocalRankFusionTests
{
    private static ChunkRecord Chunk(string id) => new() { Id = id, DocumentId = "d", Index = "i", Tenant = "t", DocumentName = "d.txt", Text = id };

    private static List<ScoredChunk> Ranking(params string[] ids) => ids.Select((id, i) => new ScoredChunk(Chunk(id), 100 - i)).ToList();

    [Fact]
    public void A_chunk_ranked_well_by_both_rankings_beats_one_ranked_first_by_only_one()
    {
        var dense = Ranking("a", "b", "c");
        var keyword = Ranking("x", "b", "a");

        var fused = ReciprocalRankFusion.Fuse([dense, keyword], null, top: 3, k: 60);

        // a: 1/61 + 1/63, b: 1/62 + 1/62, x: 1/61 — a and b both appear twice; x only once.
        Assert.Equal(["a", "b", "x"], fused.Select(f => f.Chunk.Id));
        Assert.Equal(1.0 / 61 + 1.0 / 63, fused[0].Score, 12);
    }

    [Fact]
    public void Weights_scale_each_rankings_contribution()
    {
        var dense = Ranking("a", "b");
        var keyword = Ranking("b", "a");

        var keywordHeavy = ReciprocalRankFusion.Fuse([dense, keyword], [1.0, 2.0], top: 2, k: 0);
        var denseHeavy = ReciprocalRankFusion.Fuse([dense, keyword], [2.0, 1.0], top: 2, k: 0);

        Assert.Equal("b", keywordHeavy[0].Chunk.Id);
        Assert.Equal("a", denseHeavy[0].Chunk.Id);
        Assert.Equal(2.0 / 1 + 1.0 / 2, denseHeavy[0].Score, 12);
    }

    [Fact]
    public void Equal_scores_are_broken_by_best_rank_then_id_so_results_are_deterministic()
    {
        var one = Ranking("b", "a");
        var two = Ranking("a", "b");

        var fused = ReciprocalRankFusion.Fuse([one, two], null, top: 2);

        Assert.Equal(["a", "b"], fused.Select(f => f.Chunk.Id));
    }

    [Fact]
    public void A_mismatched_weight_count_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => ReciprocalRankFusion.Fuse([Ranking("a")], [1.0, 1.0], top: 1));
        Assert.Contains("2 weights for 1 rankings", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Top_limits_the_fused_list()
    {
        var fused = ReciprocalRankFusion.Fuse([Ranking("a", "b", "c", "d")], null, top: 2);
        Assert.Equal(2, fused.Count);
    }
}
