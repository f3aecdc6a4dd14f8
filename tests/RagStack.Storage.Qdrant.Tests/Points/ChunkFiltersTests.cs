using Qdrant.Client.Grpc;
using RagStack.Storage.Qdrant.Points;

namespace RagStack.Storage.Qdrant.Tests.Points;

public sealed class ChunkFiltersTests
{
    private static string Keyword(Condition c, string key)
    {
        Assert.Equal(key, c.Field.Key);
        return c.Field.Match.Keyword;
    }

    [Fact]
    public void Every_search_must_match_the_tenant_and_the_index()
    {
        var filter = ChunkFilters.Search(new ChunkFilter { Tenant = "acme", Index = "manuals" })!;

        Assert.Equal(2, filter.Must.Count);
        Assert.Equal("acme", Keyword(filter.Must[0], "tenant"));
        Assert.Equal("manuals", Keyword(filter.Must[1], "index"));
        Assert.Empty(filter.Should);
        Assert.Empty(filter.MustNot);
    }

    [Fact]
    public void Documents_and_tags_each_add_a_must_match_any_condition()
    {
        var filter = ChunkFilters.Search(new ChunkFilter { Tenant = "t", Index = "i", DocumentIds = ["d1", "d2", "d1"], Tags = ["rare"] })!;

        Assert.Equal(4, filter.Must.Count);
        Assert.Equal("doc", filter.Must[2].Field.Key);
        Assert.Equal(["d1", "d2"], filter.Must[2].Field.Match.Keywords.Strings);
        Assert.Equal("tags", filter.Must[3].Field.Key);
        Assert.Equal(["rare"], filter.Must[3].Field.Match.Keywords.Strings);
    }

    [Fact]
    public void An_empty_document_or_tag_list_admits_nothing_so_no_filter_is_sent()
    {
        Assert.Null(ChunkFilters.Search(new ChunkFilter { Tenant = "t", Index = "i", DocumentIds = [] }));
        Assert.Null(ChunkFilters.Search(new ChunkFilter { Tenant = "t", Index = "i", Tags = [] }));
    }

    [Fact]
    public void What_a_replacement_leaves_behind_is_the_document_minus_the_new_point_ids()
    {
        var keep = new[] { Guid.Parse("0b1e0c5e-1d7a-8a3b-9c2d-5e6f7a8b9c0d") };

        var filter = ChunkFilters.DocumentExcept("t", "i", "doc", keep);

        Assert.Equal(["t", "i", "doc"], filter.Must.Select(c => c.Field.Match.Keyword));
        Assert.Equal(["tenant", "index", "doc"], filter.Must.Select(c => c.Field.Key));
        Assert.Equal(["0b1e0c5e-1d7a-8a3b-9c2d-5e6f7a8b9c0d"], Assert.Single(filter.MustNot).HasId.HasId.Select(p => p.Uuid));
    }

    [Fact]
    public void Deleting_a_whole_document_excludes_nothing()
    {
        Assert.Empty(ChunkFilters.DocumentExcept("t", "i", "doc", []).MustNot);
    }
}
