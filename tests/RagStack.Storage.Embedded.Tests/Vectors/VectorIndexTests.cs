using RagStack.Storage.Embedded.Vectors;

namespace RagStack.Storage.Embedded.Tests.Vectors;

public sealed class VectorIndexTests
{
    private static readonly ChunkFilter All = new() { Tenant = "t", Index = "i" };

    private static VectorIndex Build(float[][] vectors, EmbeddedStoreOptions options, Func<int, string>? tenant = null)
    {
        var index = new VectorIndex("i", options);
        index.ReplaceDocument("t", "doc", vectors.Select((v, i) => new VectorEntry(i + 1, tenant?.Invoke(i) ?? "t", "doc", [], VectorIndex.Normalised(v))).ToList());
        return index;
    }

    private static List<long> ExactTop(float[][] vectors, float[] query, int top) =>
        vectors.Select((v, i) => (Row: (long)(i + 1), Score: TestChunks.Cosine(query, v)))
            .OrderByDescending(x => x.Score).ThenBy(x => x.Row).Take(top).Select(x => x.Row).ToList();

    [Fact]
    public void Exact_search_returns_the_true_top_k_in_order()
    {
        var vectors = TestChunks.Clustered(500, 32, 5, seed: 1);
        using var index = Build(vectors, new EmbeddedStoreOptions { DataDirectory = "x" });
        var query = TestChunks.Clustered(1, 32, 1, seed: 2)[0];

        var hits = index.Search(query, All, 10);

        Assert.Equal(ExactTop(vectors, query, 10), hits.Select(h => h.RowId));
    }

    [Fact]
    public void Hnsw_recall_at_10_is_at_least_0_95_against_exact_search_on_clustered_vectors()
    {
        var vectors = TestChunks.Clustered(3000, 96, 20, seed: 3);
        var queries = TestChunks.Clustered(50, 96, 20, seed: 3 + 1000);
        using var index = Build(vectors, new EmbeddedStoreOptions { DataDirectory = "x", ExactSearchThreshold = 0, ExactSearchMaxFraction = 0 });

        var found = queries.Sum(q => index.Search(q, All, 10).Select(h => h.RowId).Intersect(ExactTop(vectors, q, 10)).Count());

        Assert.True(found / (50.0 * 10) >= 0.95, $"recall@10 was {found / 500.0:F3}");
    }

    [Fact]
    public void Hnsw_under_a_broad_filter_oversamples_until_it_finds_top_k_admitted_rows()
    {
        var vectors = TestChunks.Clustered(2000, 32, 4, seed: 5);
        // Every fourth row is tenant "t"; the rest belong to "u", so HNSW must look past them.
        using var index = Build(vectors, new EmbeddedStoreOptions { DataDirectory = "x", ExactSearchThreshold = 0, ExactSearchMaxFraction = 0 }, i => i % 4 == 0 ? "t" : "u");
        var query = vectors[10];

        var hits = index.Search(query, All, 10);

        Assert.Equal(10, hits.Count);
        Assert.All(hits, h => Assert.Equal(0, (h.RowId - 1) % 4));
    }

    [Fact]
    public void A_vector_of_another_dimension_is_rejected_with_the_index_name()
    {
        using var index = Build(TestChunks.Clustered(3, 8, 1, seed: 1), new EmbeddedStoreOptions { DataDirectory = "x" });

        var error = Assert.Throws<VectorDimensionMismatchException>(() => index.EnsureDimension(16));

        Assert.Contains("'i'", error.Message, StringComparison.Ordinal);
        Assert.Equal((8, 16), (error.Expected, error.Actual));
    }

    [Fact]
    public void Removed_rows_never_come_back_from_the_graph()
    {
        var vectors = TestChunks.Clustered(100, 16, 2, seed: 9);
        using var index = Build(vectors, new EmbeddedStoreOptions { DataDirectory = "x", ExactSearchThreshold = 0, ExactSearchMaxFraction = 0 });

        index.ReplaceDocument("t", "doc", []);

        Assert.Empty(index.Search(vectors[0], All, 5));
        Assert.Equal(0, index.Count);
    }
}
