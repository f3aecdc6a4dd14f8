using RagStack.Chunks;
using RagStack.Storage;
using Xunit;
using static RagStack.Testing.TestChunks;

namespace RagStack.Testing;

/// <summary>
/// What every <see cref="IChunkStore"/> must do, whatever it stores chunks in. A store subclasses this and supplies
/// <see cref="CreateStoreAsync"/>; each test gets a fresh, empty store. A store that needs a server which is not there
/// says why in <see cref="SkipReason"/>, and then every case is reported as skipped with that reason.
/// </summary>
public abstract class ChunkStoreConformanceTests : IAsyncLifetime
{
    protected const string TenantA = "tenant-a";
    protected const string TenantB = "tenant-b";
    protected const string Index = "docs";
    protected const int Dimension = 8;

    private IChunkStore? _store;

    protected IChunkStore Store
    {
        get
        {
            Skip.If(SkipReason is not null, SkipReason);
            return _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");
        }
    }

    /// <summary>Why this store cannot be tested here (its server is not configured), or null when it can.</summary>
    protected virtual string? SkipReason => null;

    /// <summary>Creates a fresh, empty store.</summary>
    protected abstract Task<IChunkStore> CreateStoreAsync();

    /// <summary>Releases the store and whatever it needed; the default disposes the store.</summary>
    protected virtual ValueTask DisposeStoreAsync(IChunkStore store) => store.DisposeAsync();

    public async Task InitializeAsync()
    {
        if (SkipReason is null)
        {
            _store = await CreateStoreAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await DisposeStoreAsync(_store);
        }
    }

    private static ChunkFilter Filter(string tenant = TenantA, string index = Index, IReadOnlyList<string>? documents = null, IReadOnlyList<string>? tags = null) =>
        new() { Tenant = tenant, Index = index, DocumentIds = documents, Tags = tags };

    [SkippableFact]
    public async Task Replaced_chunks_read_back_with_every_field()
    {
        var chunk = Chunk(TenantA, Index, "doc", 0, "Low-rank adapters train few weights.", Axis(Dimension, 2, 0.5f), "ml", "lora");

        await Store.ReplaceDocumentChunksAsync(TenantA, Index, "doc", [chunk]);
        var read = Assert.Single(await Store.GetAsync(TenantA, Index, [chunk.Id]));

        Assert.Equal(chunk.Id, read.Id);
        Assert.Equal(chunk.DocumentId, read.DocumentId);
        Assert.Equal(chunk.DocumentName, read.DocumentName);
        Assert.Equal(chunk.Text, read.Text);
        Assert.Equal(chunk.Page, read.Page);
        Assert.Equal(chunk.SectionPath, read.SectionPath);
        Assert.Equal((chunk.Start, chunk.End, chunk.Position), (read.Start, read.End, read.Position));
        Assert.Equal(chunk.Tags, read.Tags);
        // A store may keep the unit vector (Qdrant's cosine collections normalise on write): the direction must survive.
        Assert.Equal(Unit(chunk.Vector.Span), Unit(read.Vector.Span), (a, b) => Math.Abs(a - b) < 1e-6f);
    }

    [SkippableFact]
    public async Task Get_returns_existing_chunks_in_the_order_asked_and_skips_missing_ones()
    {
        var chunks = Enumerable.Range(0, 3).Select(i => Chunk(TenantA, Index, "doc", i, $"chunk {i}", Axis(Dimension, i))).ToList();
        await Store.ReplaceDocumentChunksAsync(TenantA, Index, "doc", chunks);

        var read = await Store.GetAsync(TenantA, Index, ["doc#2", "missing", "doc#0"]);

        Assert.Equal(["doc#2", "doc#0"], read.Select(c => c.Id));
    }

    [SkippableFact]
    public async Task Replacing_a_document_swaps_its_whole_chunk_set()
    {
        await Store.ReplaceDocumentChunksAsync(TenantA, Index, "doc",
            Enumerable.Range(0, 5).Select(i => Chunk(TenantA, Index, "doc", i, $"old walrus text {i}", Axis(Dimension, i))).ToList());
        await Store.ReplaceDocumentChunksAsync(TenantA, Index, "doc",
            Enumerable.Range(0, 2).Select(i => Chunk(TenantA, Index, "doc", i, $"new pelican text {i}", Axis(Dimension, i)) with { Id = $"doc#new{i}" }).ToList());

        var chunks = await Store.GetDocumentChunksAsync(TenantA, Index, "doc");
        Assert.Equal(["doc#new0", "doc#new1"], chunks.Select(c => c.Id));
        Assert.Equal(2, await Store.CountAsync(TenantA, Index));
        Assert.Empty(await Store.KeywordSearchAsync("walrus", Filter(), 10));
        Assert.Equal(2, (await Store.KeywordSearchAsync("pelican", Filter(), 10)).Count);
        Assert.All(await Store.VectorSearchAsync(Axis(Dimension, 4), Filter(), 10), hit => Assert.StartsWith("doc#new", hit.Chunk.Id, StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Document_chunks_come_back_ordered_by_position()
    {
        var chunks = new[] { 3, 0, 2, 1 }.Select(i => Chunk(TenantA, Index, "doc", i, $"chunk {i}")).ToList();
        await Store.ReplaceDocumentChunksAsync(TenantA, Index, "doc", chunks);

        var read = await Store.GetDocumentChunksAsync(TenantA, Index, "doc");

        Assert.Equal([0, 1, 2, 3], read.Select(c => c.Position));
    }

    [SkippableFact]
    public async Task Deleting_a_document_removes_its_chunks_from_reads_and_both_searches()
    {
        await Store.ReplaceDocumentChunksAsync(TenantA, Index, "gone",
            Enumerable.Range(0, 3).Select(i => Chunk(TenantA, Index, "gone", i, $"ephemeral mayfly {i}", Axis(Dimension, 0, i * 0.1f))).ToList());
        await Store.ReplaceDocumentChunksAsync(TenantA, Index, "kept", [Chunk(TenantA, Index, "kept", 0, "durable tortoise", Axis(Dimension, 5))]);

        var removed = await Store.DeleteDocumentChunksAsync(TenantA, Index, "gone");

        Assert.Equal(3, removed);
        Assert.Empty(await Store.GetDocumentChunksAsync(TenantA, Index, "gone"));
        Assert.Empty(await Store.KeywordSearchAsync("mayfly", Filter(), 10));
        Assert.Equal(["kept#0"], (await Store.VectorSearchAsync(Axis(Dimension, 0), Filter(), 10)).Select(h => h.Chunk.Id));
        Assert.Equal(1, await Store.CountAsync(TenantA, Index));
        Assert.Equal(0, await Store.DeleteDocumentChunksAsync(TenantA, Index, "gone"));
    }

    [SkippableFact]
    public async Task Replacing_with_no_chunks_removes_the_document()
    {
        await Store.ReplaceDocumentChunksAsync(TenantA, Index, "doc", [Chunk(TenantA, Index, "doc", 0, "text", Axis(Dimension, 0))]);

        await Store.ReplaceDocumentChunksAsync(TenantA, Index, "doc", []);

        Assert.Equal(0, await Store.CountAsync(TenantA, Index));
        Assert.Empty(await Store.VectorSearchAsync(Axis(Dimension, 0), Filter(), 5));
    }

    [SkippableFact]
    public async Task Keyword_search_ranks_the_obviously_relevant_chunk_first()
    {
        await Store.ReplaceDocumentChunksAsync(TenantA, Index, "doc",
        [
            Chunk(TenantA, Index, "doc", 0, "The cat sat on the mat and watched the rain."),
            Chunk(TenantA, Index, "doc", 1, "Photosynthesis lets plants convert light into chemical energy inside their chloroplasts."),
            Chunk(TenantA, Index, "doc", 2, "Stock markets fell sharply after the central bank raised interest rates."),
            Chunk(TenantA, Index, "doc", 3, "Plants need water, and the cat drinks water too."),
        ]);

        var hits = await Store.KeywordSearchAsync("How do plants use light energy?", Filter(), 3);

        Assert.Equal("doc#1", hits[0].Chunk.Id);
        Assert.True(hits[0].Score > 0);
        Assert.True(hits.Zip(hits.Skip(1)).All(p => p.First.Score >= p.Second.Score));
    }

    [SkippableFact]
    public async Task Keyword_search_matches_inflected_words_through_stemming()
    {
        await Store.ReplaceDocumentChunksAsync(TenantA, Index, "doc",
        [
            Chunk(TenantA, Index, "doc", 0, "The runner was running through the parks."),
            Chunk(TenantA, Index, "doc", 1, "Bananas are yellow."),
        ]);

        var hits = await Store.KeywordSearchAsync("park runs", Filter(), 5);

        Assert.Equal("doc#0", Assert.Single(hits).Chunk.Id);
    }

    [SkippableTheory]
    [InlineData("AND OR ( ) * ? : \\ ")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("title:cat~ \"unclosed [to} +- && || ! ^2 /regex/")]
    [InlineData("the and of")]
    public async Task Keyword_search_never_throws_on_hostile_query_text(string query)
    {
        await Store.ReplaceDocumentChunksAsync(TenantA, Index, "doc", [Chunk(TenantA, Index, "doc", 0, "The cat sat on the mat.")]);

        var hits = await Store.KeywordSearchAsync(query, Filter(), 5);

        Assert.All(hits, h => Assert.Equal("doc#0", h.Chunk.Id));
    }

    [SkippableFact]
    public async Task Keyword_search_accepts_a_query_with_thousands_of_distinct_words()
    {
        await Store.ReplaceDocumentChunksAsync(TenantA, Index, "doc", [Chunk(TenantA, Index, "doc", 0, "zebra crossing")]);
        var query = string.Join(' ', Enumerable.Range(0, 5000).Select(i => "word" + i)) + " zebra";

        var hits = await Store.KeywordSearchAsync(query, Filter(), 5);

        Assert.NotNull(hits);
    }

    [SkippableFact]
    public async Task Vector_search_returns_the_exact_nearest_chunks_in_order_with_cosine_scores()
    {
        var vectors = Clustered(60, Dimension, 4, seed: 7);
        await Store.ReplaceDocumentChunksAsync(TenantA, Index, "doc",
            vectors.Select((v, i) => Chunk(TenantA, Index, "doc", i, $"chunk {i}", v)).ToList());
        var query = Clustered(1, Dimension, 1, seed: 99)[0];
        var expected = vectors.Select((v, i) => (Id: $"doc#{i}", Score: Cosine(query, v))).OrderByDescending(x => x.Score).Take(5).ToList();

        var hits = await Store.VectorSearchAsync(query, Filter(), 5);

        Assert.Equal(expected.Select(e => e.Id), hits.Select(h => h.Chunk.Id));
        Assert.All(hits.Zip(expected), p => Assert.Equal(p.Second.Score, p.First.Score, 4));
    }

    [SkippableFact]
    public async Task A_tenant_never_sees_another_tenants_chunks()
    {
        await Store.ReplaceDocumentChunksAsync(TenantA, Index, "secret", [Chunk(TenantA, Index, "secret", 0, "quarterly payroll figures", Axis(Dimension, 0))]);
        await Store.ReplaceDocumentChunksAsync(TenantB, Index, "public", [Chunk(TenantB, Index, "public", 0, "holiday calendar", Axis(Dimension, 3))]);

        var keyword = await Store.KeywordSearchAsync("payroll figures", Filter(tenant: TenantB), 10);
        var vector = await Store.VectorSearchAsync(Axis(Dimension, 0), Filter(tenant: TenantB), 10);

        Assert.Empty(keyword);
        Assert.Equal(["public#0"], vector.Select(h => h.Chunk.Id));
        Assert.Empty(await Store.GetAsync(TenantB, Index, ["secret#0"]));
        Assert.Empty(await Store.GetDocumentChunksAsync(TenantB, Index, "secret"));
        Assert.Equal(1, await Store.CountAsync(TenantB, Index));
    }

    [SkippableFact]
    public async Task The_same_document_id_in_two_tenants_is_two_documents()
    {
        await Store.ReplaceDocumentChunksAsync(TenantA, Index, "doc", [Chunk(TenantA, Index, "doc", 0, "alpha", Axis(Dimension, 0))]);
        await Store.ReplaceDocumentChunksAsync(TenantB, Index, "doc", [Chunk(TenantB, Index, "doc", 0, "beta", Axis(Dimension, 0))]);

        await Store.DeleteDocumentChunksAsync(TenantB, Index, "doc");

        Assert.Equal("alpha", Assert.Single(await Store.GetDocumentChunksAsync(TenantA, Index, "doc")).Text);
        Assert.Single(await Store.VectorSearchAsync(Axis(Dimension, 0), Filter(), 5));
    }

    [SkippableFact]
    public async Task Searches_are_confined_to_the_index_they_name()
    {
        await Store.ReplaceDocumentChunksAsync(TenantA, "legal", "contract", [Chunk(TenantA, "legal", "contract", 0, "indemnity clause", Axis(Dimension, 1))]);
        await Store.ReplaceDocumentChunksAsync(TenantA, Index, "doc", [Chunk(TenantA, Index, "doc", 0, "indemnity overview", Axis(Dimension, 6))]);

        Assert.Equal(["doc#0"], (await Store.KeywordSearchAsync("indemnity", Filter(), 10)).Select(h => h.Chunk.Id));
        Assert.Equal(["doc#0"], (await Store.VectorSearchAsync(Axis(Dimension, 1), Filter(), 10)).Select(h => h.Chunk.Id));
        Assert.Empty(await Store.KeywordSearchAsync("indemnity", Filter(index: "nowhere"), 10));
        Assert.Equal(1, await Store.CountAsync(TenantA, "legal"));
    }

    /// <summary>
    /// 40 chunks of document "near" sit right on the query; the 3 of document "far" (tagged "rare") are the worst
    /// matches. A filter applied after ranking would return nothing; applied before, it returns all 3.
    /// </summary>
    private async Task WriteNearAndFarAsync()
    {
        await Store.ReplaceDocumentChunksAsync(TenantA, Index, "near",
            Enumerable.Range(0, 40).Select(i => Chunk(TenantA, Index, "near", i, "aardvark aardvark aardvark burrow " + i, Axis(Dimension, 0, i * 0.01f), "common")).ToList());
        await Store.ReplaceDocumentChunksAsync(TenantA, Index, "far",
            Enumerable.Range(0, 3).Select(i => Chunk(TenantA, Index, "far", i, "aardvark appears once among many other unrelated words here " + i, Axis(Dimension, 4, i * 0.1f), "rare")).ToList());
        await Store.ReplaceDocumentChunksAsync(TenantB, Index, "far",
            Enumerable.Range(0, 3).Select(i => Chunk(TenantB, Index, "far", i, "aardvark " + i, Axis(Dimension, 0), "rare")).ToList());
    }

    [SkippableFact]
    public async Task A_document_filter_applies_before_ranking()
    {
        await WriteNearAndFarAsync();
        var filter = Filter(documents: ["far"]);

        var vector = await Store.VectorSearchAsync(Axis(Dimension, 0), filter, 3);
        var keyword = await Store.KeywordSearchAsync("aardvark", filter, 3);

        Assert.Equal(["far#0", "far#1", "far#2"], vector.Select(h => h.Chunk.Id).Order());
        Assert.Equal(["far#0", "far#1", "far#2"], keyword.Select(h => h.Chunk.Id).Order());
        Assert.All(vector.Concat(keyword), h => Assert.Equal(TenantA, h.Chunk.Tenant));
    }

    [SkippableFact]
    public async Task A_tag_filter_applies_before_ranking()
    {
        await WriteNearAndFarAsync();
        var filter = Filter(tags: ["rare", "absent"]);

        var vector = await Store.VectorSearchAsync(Axis(Dimension, 0), filter, 3);
        var keyword = await Store.KeywordSearchAsync("aardvark", filter, 3);

        Assert.Equal(["far#0", "far#1", "far#2"], vector.Select(h => h.Chunk.Id).Order());
        Assert.Equal(["far#0", "far#1", "far#2"], keyword.Select(h => h.Chunk.Id).Order());
        Assert.All(vector.Concat(keyword), h => Assert.Equal(TenantA, h.Chunk.Tenant));
    }

    [SkippableFact]
    public async Task Document_and_tag_filters_combine()
    {
        await WriteNearAndFarAsync();

        Assert.Empty(await Store.VectorSearchAsync(Axis(Dimension, 0), Filter(documents: ["near"], tags: ["rare"]), 3));
        Assert.Empty(await Store.KeywordSearchAsync("aardvark", Filter(documents: ["near"], tags: ["rare"]), 3));
        Assert.Equal(3, (await Store.VectorSearchAsync(Axis(Dimension, 0), Filter(documents: ["near", "far"], tags: ["rare"]), 5)).Count);
    }

    [SkippableFact]
    public async Task An_empty_filter_list_admits_nothing()
    {
        await WriteNearAndFarAsync();

        Assert.Empty(await Store.VectorSearchAsync(Axis(Dimension, 0), Filter(documents: []), 3));
        Assert.Empty(await Store.KeywordSearchAsync("aardvark", Filter(tags: []), 3));
    }

    [SkippableFact]
    public async Task Top_caps_the_number_of_results()
    {
        await WriteNearAndFarAsync();

        Assert.Equal(5, (await Store.VectorSearchAsync(Axis(Dimension, 0), Filter(), 5)).Count);
        Assert.Equal(5, (await Store.KeywordSearchAsync("aardvark", Filter(), 5)).Count);
        Assert.Empty(await Store.VectorSearchAsync(Axis(Dimension, 0), Filter(), 0));
    }

    [SkippableFact]
    public async Task Searching_an_unknown_index_or_tenant_finds_nothing()
    {
        Assert.Empty(await Store.KeywordSearchAsync("anything", Filter(index: "never-written"), 5));
        Assert.Empty(await Store.VectorSearchAsync(Axis(Dimension, 0), Filter(tenant: "nobody"), 5));
        Assert.Equal(0, await Store.CountAsync("nobody", Index));
    }

    [SkippableFact]
    public async Task A_chunk_of_another_document_is_rejected()
    {
        var stray = Chunk(TenantA, Index, "other", 0, "text");

        await Assert.ThrowsAsync<ArgumentException>(() => Store.ReplaceDocumentChunksAsync(TenantA, Index, "doc", [stray]));
    }

    [SkippableFact]
    public async Task Concurrent_searches_during_writes_see_whole_documents()
    {
        await Store.ReplaceDocumentChunksAsync(TenantA, Index, "doc",
            Enumerable.Range(0, 4).Select(i => Chunk(TenantA, Index, "doc", i, "heron version0", Axis(Dimension, i))).ToList());
        var writing = true;
        var writer = Task.Run(async () =>
        {
            for (var v = 1; v <= 60; v++)
            {
                await Store.ReplaceDocumentChunksAsync(TenantA, Index, "doc",
                    Enumerable.Range(0, 4).Select(i => Chunk(TenantA, Index, "doc", i, $"heron version{v}", Axis(Dimension, i)) with { Id = $"doc#{v}-{i}" }).ToList());
                await Task.Delay(1);
            }

            Volatile.Write(ref writing, false);
        });
        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            var searches = 0;
            while (Volatile.Read(ref writing))
            {
                var keyword = await Store.KeywordSearchAsync("heron", Filter(), 10);
                var vector = await Store.VectorSearchAsync(Axis(Dimension, 0), Filter(), 10);
                Assert.Equal(4, keyword.Count);
                Assert.Equal(4, vector.Count);
                Assert.Single(keyword.Select(h => h.Chunk.Text).Distinct());
                searches++;
                await Task.Yield();
            }

            return searches;
        })).ToList();

        await writer;
        Assert.True((await Task.WhenAll(readers)).Sum() > 0);
    }

    [SkippableFact]
    public async Task A_vector_of_another_size_than_the_index_holds_is_refused_naming_both_sizes()
    {
        await Store.ReplaceDocumentChunksAsync(TenantA, Index, "doc", [Chunk(TenantA, Index, "doc", 0, "eight", Axis(Dimension, 0))]);

        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() =>
            Store.ReplaceDocumentChunksAsync(TenantA, Index, "other", [Chunk(TenantA, Index, "other", 0, "five", Axis(5, 0))]));

        Assert.Contains($"{Dimension}-dimensional", error.Message, StringComparison.Ordinal);
        Assert.Contains("5-dimensional", error.Message, StringComparison.Ordinal);
        Assert.Equal(["doc#0"], (await Store.GetDocumentChunksAsync(TenantA, Index, "doc")).Select(c => c.Id));
        Assert.Empty(await Store.GetDocumentChunksAsync(TenantA, Index, "other"));
    }

    [SkippableFact]
    public async Task An_empty_index_answers_every_read_with_nothing()
    {
        Assert.Equal(0, await Store.CountAsync(TenantA, Index));
        Assert.Empty(await Store.GetAsync(TenantA, Index, ["doc#0"]));
        Assert.Empty(await Store.GetDocumentChunksAsync(TenantA, Index, "doc"));
        Assert.Empty(await Store.KeywordSearchAsync("anything", Filter(), 5));
        Assert.Empty(await Store.VectorSearchAsync(Axis(Dimension, 0), Filter(), 5));
        Assert.Equal(0, await Store.DeleteDocumentChunksAsync(TenantA, Index, "doc"));
    }

    [SkippableFact]
    public async Task A_document_of_a_thousand_chunks_is_written_and_read_whole()
    {
        var vectors = Clustered(1000, Dimension, 8, seed: 11);
        var chunks = vectors.Select((v, i) => Chunk(TenantA, Index, "big", i, $"section {i} of the long manual" + (i == 777 ? " mentions the quokka" : ""), v)).ToList();

        await Store.ReplaceDocumentChunksAsync(TenantA, Index, "big", chunks);

        Assert.Equal(1000, await Store.CountAsync(TenantA, Index));
        Assert.Equal(Enumerable.Range(0, 1000), (await Store.GetDocumentChunksAsync(TenantA, Index, "big")).Select(c => c.Position));
        Assert.Equal("big#777", Assert.Single(await Store.KeywordSearchAsync("quokka", Filter(), 5)).Chunk.Id);
        Assert.Equal("big#123", (await Store.VectorSearchAsync(vectors[123], Filter(), 1))[0].Chunk.Id);
        Assert.Equal(1000, await Store.DeleteDocumentChunksAsync(TenantA, Index, "big"));
    }
}
