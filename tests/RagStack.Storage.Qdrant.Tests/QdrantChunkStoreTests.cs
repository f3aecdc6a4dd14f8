using Grpc.Core;
using Qdrant.Client.Grpc;
using RagStack.Storage.Embedded;
using RagStack.Storage.Qdrant.Points;
using RagStack.Storage.Qdrant.Tests.Support;
using static RagStack.Testing.TestChunks;

namespace RagStack.Storage.Qdrant.Tests;

/// <summary>The store's conversation with Qdrant: what it sends, in which order, and how it reads the answers.</summary>
public sealed class QdrantChunkStoreTests
{
    private readonly FakeQdrant _qdrant = new();

    private static QdrantStoreOptions Options(int batch = 256) => new()
    {
        Endpoint = "http://localhost:6334",
        UpsertBatchSize = batch,
        RetryDelay = TimeSpan.FromMilliseconds(1),
        MaxRetryDelay = TimeSpan.FromMilliseconds(4),
    };

    private static ChunkFilter Filter => new() { Tenant = "t", Index = "i" };

    [Fact]
    public async Task The_first_write_creates_the_collection_and_its_payload_indexes_before_upserting()
    {
        await using var store = _qdrant.Store(Options());

        await store.ReplaceDocumentChunksAsync("t", "i", "doc", [Chunk("t", "i", "doc", 0, "hello", Axis(8, 0))]);

        Assert.Equal(
            ["CollectionExists", "Create", "CreateFieldIndex", "CreateFieldIndex", "CreateFieldIndex", "CreateFieldIndex", "Get", "Upsert", "Count"],
            _qdrant.Calls.Select(c => c.Method));
        Assert.Equal(8ul, _qdrant.Sent<CreateCollection>("Create").Single().VectorsConfig.ParamsMap.Map["dense"].Size);
    }

    [Fact]
    public async Task A_large_document_is_upserted_in_batches_with_wait_then_its_left_over_points_are_deleted()
    {
        _qdrant.CountAnswer = 3;
        await using var store = _qdrant.Store(Options(batch: 4));
        var chunks = Enumerable.Range(0, 10).Select(i => Chunk("t", "i", "doc", i, $"chunk {i}", Axis(8, i))).ToList();

        await store.ReplaceDocumentChunksAsync("t", "i", "doc", chunks);

        var upserts = _qdrant.Sent<UpsertPoints>("Upsert").ToList();
        Assert.Equal([4, 4, 2], upserts.Select(u => u.Points.Count));
        Assert.All(upserts, u => Assert.Equal((true, WriteOrderingType.Strong), (u.Wait, u.Ordering.Type)));
        var delete = Assert.Single(_qdrant.Sent<DeletePoints>("Delete"));
        Assert.True(_qdrant.Calls.FindIndex(c => c.Method == "Delete") > _qdrant.Calls.FindLastIndex(c => c.Method == "Upsert"));
        Assert.True(delete.Wait);
        var newIds = upserts.SelectMany(u => u.Points).Select(p => p.Id.Uuid).Order();
        Assert.Equal(newIds, delete.Points.Filter.MustNot.Single().HasId.HasId.Select(p => p.Uuid).Order());
        Assert.Equal(["t", "i", "doc"], delete.Points.Filter.Must.Select(c => c.Field.Match.Keyword));
        // All points of one write share one generation, newer than any before it.
        Assert.Single(upserts.SelectMany(u => u.Points).Select(p => p.Payload["gen"].IntegerValue).Distinct());
    }

    [Fact]
    public async Task Deleting_a_document_counts_and_deletes_by_its_filter()
    {
        await using var seeded = _qdrant.Store(Options());
        await seeded.ReplaceDocumentChunksAsync("t", "i", "doc", [Chunk("t", "i", "doc", 0, "x", Axis(8, 0))]);
        _qdrant.Calls.Clear();
        _qdrant.CountAnswer = 7;

        var removed = await seeded.DeleteDocumentChunksAsync("t", "i", "doc");

        Assert.Equal(7, removed);
        Assert.Equal(["Count", "Delete"], _qdrant.Calls.Select(c => c.Method));
        Assert.Empty(Assert.Single(_qdrant.Sent<DeletePoints>("Delete")).Points.Filter.MustNot);
    }

    [Fact]
    public async Task Reads_before_any_collection_exists_find_nothing_and_create_nothing()
    {
        await using var store = _qdrant.Store(Options());

        Assert.Empty(await store.VectorSearchAsync(Axis(8, 0), Filter, 5));
        Assert.Empty(await store.KeywordSearchAsync("hello", Filter, 5));
        Assert.Equal(0, await store.CountAsync("t", "i"));
        Assert.Equal(0, await store.DeleteDocumentChunksAsync("t", "i", "doc"));

        Assert.All(_qdrant.Calls, c => Assert.Equal("CollectionExists", c.Method));
    }

    [Fact]
    public async Task An_existing_collection_of_another_size_stops_the_write_before_any_point_is_sent()
    {
        await using (var other = _qdrant.Store(Options(), vectorSize: 384))
        {
            await other.ReplaceDocumentChunksAsync("t", "i", "seed", [Chunk("t", "i", "seed", 0, "x", new float[384])]);
        }

        _qdrant.Calls.Clear();
        await using var store = _qdrant.Store(Options(), vectorSize: 8);

        var error = await Assert.ThrowsAsync<QdrantCollectionMismatchException>(() =>
            store.ReplaceDocumentChunksAsync("t", "i", "doc", [Chunk("t", "i", "doc", 0, "x", Axis(8, 0))]));

        Assert.Contains("384-dimensional", error.Message, StringComparison.Ordinal);
        Assert.Contains("8-dimensional", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_qdrant.Calls, c => c.Method == "Upsert");
    }

    [Fact]
    public async Task A_query_vector_of_the_wrong_size_is_refused_naming_both_sizes()
    {
        await using var store = _qdrant.Store(Options());
        await store.ReplaceDocumentChunksAsync("t", "i", "doc", [Chunk("t", "i", "doc", 0, "x", Axis(8, 0))]);

        var error = await Assert.ThrowsAsync<VectorDimensionMismatchException>(() => store.VectorSearchAsync(Axis(5, 0), Filter, 3));

        Assert.Equal((8, 5), (error.Expected, error.Actual));
    }

    [Fact]
    public async Task Search_hits_map_back_to_chunks_with_scores_and_a_replacement_in_progress_is_hidden()
    {
        await using var store = _qdrant.Store(Options());
        await store.ReplaceDocumentChunksAsync("t", "i", "doc", [Chunk("t", "i", "doc", 0, "x", Axis(8, 0))]);
        _qdrant.QueryAnswer.AddRange([Hit("a", 0, gen: 1, 0.9f), Hit("a", 0, gen: 2, 0.8f), Hit("b", 0, gen: 1, 0.7f), Hit("a", 1, gen: 2, 0.6f), Hit("a", 1, gen: 1, 0.5f)]);

        var hits = await store.VectorSearchAsync(Axis(8, 0), Filter, 2);

        Assert.Equal([("a#0", 0.8f), ("b#0", 0.7f)], hits.Select(h => (h.Chunk.Id, (float)h.Score)));
        var query = _qdrant.Sent<QueryPoints>("Query").Single();
        Assert.Equal((4ul, "dense"), (query.Limit, query.Using));
    }

    [Fact]
    public async Task A_keyword_search_sends_the_query_terms_as_a_sparse_vector()
    {
        await using var store = _qdrant.Store(Options());
        await store.ReplaceDocumentChunksAsync("t", "i", "doc", [Chunk("t", "i", "doc", 0, "x", Axis(8, 0))]);

        await store.KeywordSearchAsync("pelicans", Filter, 3);

        var query = _qdrant.Sent<QueryPoints>("Query").Single();
        Assert.Equal("bm25", query.Using);
        Assert.Contains(RagStack.Storage.Qdrant.Keyword.Bm25SparseEncoder.TermId("text", "pelican"), query.Query.Nearest.Sparse.Indices);
    }

    [Fact]
    public async Task Transient_failures_are_retried_and_the_write_completes()
    {
        await using var store = _qdrant.Store(Options());
        _qdrant.FailNext(StatusCode.Unavailable, StatusCode.ResourceExhausted);

        await store.ReplaceDocumentChunksAsync("t", "i", "doc", [Chunk("t", "i", "doc", 0, "x", Axis(8, 0))]);

        Assert.Equal(3, _qdrant.Calls.Count(c => c.Method == "CollectionExists"));
        Assert.Single(_qdrant.Sent<UpsertPoints>("Upsert"));
    }

    [Fact]
    public async Task A_qdrant_that_stays_down_gives_one_error_after_the_retries()
    {
        var options = Options();
        options.MaxRetries = 2;
        await using var store = _qdrant.Store(options);
        _qdrant.FailNext(StatusCode.Unavailable, StatusCode.Unavailable, StatusCode.Unavailable);

        var error = await Assert.ThrowsAsync<QdrantUnavailableException>(() => store.CountAsync("t", "i"));

        Assert.Equal(3, error.Attempts);
        Assert.Equal(3, _qdrant.Calls.Count);
    }

    private static ScoredPoint Hit(string document, int position, long gen, float score)
    {
        var written = ChunkPayload.ToPoint(Chunk("t", "i", document, position, "x", Axis(8, 0)), gen, new([], []));
        var hit = new ScoredPoint { Id = written.Id, Score = score };
        hit.Payload.Add(written.Payload);
        return hit;
    }
}
