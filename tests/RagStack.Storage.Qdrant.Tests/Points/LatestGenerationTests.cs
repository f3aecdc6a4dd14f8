using RagStack.Storage.Qdrant.Points;

namespace RagStack.Storage.Qdrant.Tests.Points;

public sealed class LatestGenerationTests
{
    [Fact]
    public void While_a_document_is_replaced_only_its_newest_generation_is_kept_in_rank_order()
    {
        (string Doc, long Gen, string Id)[] hits = [("a", 1, "a-old-0"), ("a", 2, "a-new-0"), ("b", 5, "b-0"), ("a", 1, "a-old-1"), ("a", 2, "a-new-1")];

        var kept = LatestGeneration.Keep(hits, h => h.Doc, h => h.Gen);

        Assert.Equal(["a-new-0", "b-0", "a-new-1"], kept.Select(h => h.Id));
    }

    [Fact]
    public void Without_a_replacement_in_progress_nothing_is_dropped()
    {
        (string Doc, long Gen)[] hits = [("a", 3), ("b", 1), ("a", 3)];

        Assert.Equal(3, LatestGeneration.Keep(hits, h => h.Doc, h => h.Gen).Count);
    }
}
