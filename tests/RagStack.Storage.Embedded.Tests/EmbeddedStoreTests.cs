using Microsoft.Extensions.DependencyInjection;
using RagStack.Chunks;
using RagStack.Documents;
using static RagStack.Testing.TestChunks;

namespace RagStack.Storage.Embedded.Tests;

public sealed class EmbeddedStoreTests : IDisposable
{
    private const int Dimension = 16;
    private static readonly ChunkFilter TenantA = new() { Tenant = "a", Index = "docs" };
    private static readonly string[] Words = ["falcon", "harbor", "quartz", "meadow", "lantern", "glacier", "orchid", "summit", "copper", "willow"];

    private readonly TemporaryFolder _folder = new("ragstack-store-tests-");

    public void Dispose() => _folder.Dispose();

    private static EmbeddedStoreOptions Options(string path) => new() { DataDirectory = path, PersistInterval = TimeSpan.Zero };

    private static async Task WriteDocumentsAsync(IChunkStore chunks, int from, int count)
    {
        var vectors = Clustered(count * 5, Dimension, 3, seed: from);
        for (var d = from; d < from + count; d++)
        {
            var documentId = "doc" + d;
            await chunks.ReplaceDocumentChunksAsync("a", "docs", documentId, Enumerable.Range(0, 5).Select(i =>
                Chunk("a", "docs", documentId, i, $"{Words[d % Words.Length]} {Words[(d + i) % Words.Length]} chunk {i}", vectors[(d - from) * 5 + i], "tag" + (d % 3))).ToList());
        }
    }

    /// <summary>What a few searches return, as comparable strings.</summary>
    private static async Task<List<string>> SnapshotAsync(IChunkStore chunks)
    {
        var snapshot = new List<string>();
        foreach (var word in Words.Take(4))
        {
            // Ids only: BM25 statistics count deleted documents until Lucene merges them away, so a rebuilt index
            // (no deletions) ranks the same but scores slightly differently.
            snapshot.AddRange((await chunks.KeywordSearchAsync(word, TenantA, 5)).Select(h => $"k:{word}:{h.Chunk.Id}"));
        }

        foreach (var query in Clustered(3, Dimension, 3, seed: 500))
        {
            snapshot.AddRange((await chunks.VectorSearchAsync(query, TenantA, 5)).Select(h => $"v:{h.Chunk.Id}:{h.Score:F4}"));
            snapshot.AddRange((await chunks.VectorSearchAsync(query, TenantA with { Tags = ["tag1"] }, 3)).Select(h => $"vt:{h.Chunk.Id}:{h.Score:F4}"));
        }

        snapshot.Add("count:" + await chunks.CountAsync("a", "docs"));
        return snapshot;
    }

    /// <summary>Copies the data folder as a killed process would leave it on disk (the SQLite shared-memory file is rebuilt on open).</summary>
    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            if (file.EndsWith("-shm", StringComparison.Ordinal) || Path.GetFileName(file) == "write.lock")
            {
                continue;
            }

            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    [Fact]
    public async Task Reopening_after_a_clean_dispose_rebuilds_nothing_and_searches_the_same()
    {
        List<string> before;
        await using (var store = await EmbeddedStore.OpenAsync(Options(_folder.FullName)))
        {
            await WriteDocumentsAsync(store.Chunks, 0, 20);
            await store.Chunks.DeleteDocumentChunksAsync("a", "docs", "doc3");
            before = await SnapshotAsync(store.Chunks);
        }

        await using var reopened = await EmbeddedStore.OpenAsync(Options(_folder.FullName));

        Assert.Empty(reopened.Rebuilds);
        Assert.Equal(before, await SnapshotAsync(reopened.Chunks));
    }

    [Fact]
    public async Task A_process_killed_after_unpersisted_writes_recovers_by_rebuilding_from_sqlite()
    {
        var crashed = _folder.Path("crashed");
        await using var live = await EmbeddedStore.OpenAsync(Options(_folder.Path("live")));
        await WriteDocumentsAsync(live.Chunks, 0, 10);
        live.Persist();
        await WriteDocumentsAsync(live.Chunks, 10, 10);
        await live.Chunks.DeleteDocumentChunksAsync("a", "docs", "doc2");
        var before = await SnapshotAsync(live.Chunks);

        // The live store is neither persisted nor disposed: the copy is what a kill at this moment leaves behind.
        CopyFolder(_folder.Path("live"), crashed);
        await using var recovered = await EmbeddedStore.OpenAsync(Options(crashed));

        Assert.Contains(recovered.Rebuilds, r => r.Component == "keyword");
        Assert.Contains(recovered.Rebuilds, r => r.Component == "vector");
        Assert.Equal(before, await SnapshotAsync(recovered.Chunks));
    }

    [Fact]
    public async Task A_process_killed_before_any_persist_recovers_every_committed_write()
    {
        await using var live = await EmbeddedStore.OpenAsync(Options(_folder.Path("live")));
        await WriteDocumentsAsync(live.Chunks, 0, 8);
        var before = await SnapshotAsync(live.Chunks);

        CopyFolder(_folder.Path("live"), _folder.Path("crashed"));
        await using var recovered = await EmbeddedStore.OpenAsync(Options(_folder.Path("crashed")));

        Assert.Equal(2, recovered.Rebuilds.Count);
        Assert.Equal(before, await SnapshotAsync(recovered.Chunks));
    }

    [Fact]
    public async Task Corrupt_or_missing_derived_indexes_are_rebuilt_on_open()
    {
        List<string> before;
        await using (var store = await EmbeddedStore.OpenAsync(Options(_folder.FullName)))
        {
            await WriteDocumentsAsync(store.Chunks, 0, 12);
            before = await SnapshotAsync(store.Chunks);
        }

        File.Delete(Path.Combine(_folder.FullName, "vectors", "docs.usearch.generation"));
        foreach (var segments in Directory.EnumerateFiles(Path.Combine(_folder.FullName, "keyword", "docs"), "segments*"))
        {
            File.WriteAllText(segments, "not a lucene commit");
        }

        await using var reopened = await EmbeddedStore.OpenAsync(Options(_folder.FullName));

        Assert.Equal(["keyword", "vector"], reopened.Rebuilds.Select(r => r.Component).Order());
        Assert.Equal(before, await SnapshotAsync(reopened.Chunks));
    }

    [Fact]
    public async Task A_graph_file_that_is_not_an_index_is_rebuilt_on_open()
    {
        List<string> before;
        await using (var store = await EmbeddedStore.OpenAsync(Options(_folder.FullName)))
        {
            await WriteDocumentsAsync(store.Chunks, 0, 6);
            before = await SnapshotAsync(store.Chunks);
        }

        await File.WriteAllBytesAsync(Path.Combine(_folder.FullName, "vectors", "docs.usearch"), new byte[64]);
        await using var reopened = await EmbeddedStore.OpenAsync(Options(_folder.FullName));

        Assert.Equal("vector", Assert.Single(reopened.Rebuilds).Component);
        Assert.Equal(before, await SnapshotAsync(reopened.Chunks));
    }

    [Fact]
    public async Task Periodic_persistence_lets_a_reopen_skip_the_rebuild()
    {
        await using var live = await EmbeddedStore.OpenAsync(new EmbeddedStoreOptions { DataDirectory = _folder.Path("live"), PersistInterval = TimeSpan.FromMilliseconds(100) });
        await WriteDocumentsAsync(live.Chunks, 0, 5);
        var before = await SnapshotAsync(live.Chunks);
        await Task.Delay(800);

        CopyFolder(_folder.Path("live"), _folder.Path("copy"));
        await using var reopened = await EmbeddedStore.OpenAsync(Options(_folder.Path("copy")));

        Assert.Empty(reopened.Rebuilds);
        Assert.Equal(before, await SnapshotAsync(reopened.Chunks));
    }

    [Fact]
    public async Task The_data_folder_holds_the_database_blobs_and_both_indexes()
    {
        await using (var store = await EmbeddedStore.OpenAsync(Options(_folder.FullName)))
        {
            await WriteDocumentsAsync(store.Chunks, 0, 1);
            await store.Blobs.PutAsync(new MemoryStream([1, 2, 3]));
        }

        Assert.True(File.Exists(Path.Combine(_folder.FullName, "ragstack.db")));
        Assert.True(Directory.Exists(Path.Combine(_folder.FullName, "blobs")));
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(_folder.FullName, "keyword", "docs"), "segments_*"));
        Assert.True(File.Exists(Path.Combine(_folder.FullName, "vectors", "docs.usearch")));
    }

    [Fact]
    public async Task An_index_name_that_is_not_a_safe_file_name_stays_inside_the_data_folder()
    {
        await using var store = await EmbeddedStore.OpenAsync(Options(_folder.FullName));

        await store.Chunks.ReplaceDocumentChunksAsync("a", "../Escape Me", "d", [Chunk("a", "../Escape Me", "d", 0, "contained", Axis(Dimension, 0))]);

        Assert.Single(await store.Chunks.KeywordSearchAsync("contained", new ChunkFilter { Tenant = "a", Index = "../Escape Me" }, 5));
        Assert.False(Directory.Exists(Path.Combine(_folder.FullName, "Escape Me")));
    }

    [Fact]
    public async Task A_chunk_whose_vector_has_another_dimension_is_rejected_and_nothing_is_written()
    {
        await using var store = await EmbeddedStore.OpenAsync(Options(_folder.FullName));
        await store.Chunks.ReplaceDocumentChunksAsync("a", "docs", "d1", [Chunk("a", "docs", "d1", 0, "first", Axis(Dimension, 0))]);

        await Assert.ThrowsAsync<VectorDimensionMismatchException>(() =>
            store.Chunks.ReplaceDocumentChunksAsync("a", "docs", "d2", [Chunk("a", "docs", "d2", 0, "second", Axis(Dimension * 2, 0))]));

        Assert.Equal(1, await store.Chunks.CountAsync("a", "docs"));
    }

    [Fact]
    public async Task Options_without_a_data_directory_are_rejected()
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => EmbeddedStore.OpenAsync(new EmbeddedStoreOptions()));

        Assert.StartsWith("RagStack:Storage:Embedded:DataDirectory is not set;", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_builder_registers_all_three_interfaces_backed_by_one_store_in_the_configured_data_folder()
    {
        var services = new ServiceCollection();
        services.AddRagStack(TestConfiguration.For(_folder.FullName)).AddEmbeddedStore();

        await using (var provider = services.BuildServiceProvider())
        {
            var chunks = provider.GetRequiredService<IChunkStore>();
            var catalog = provider.GetRequiredService<IDocumentCatalog>();
            var blobs = provider.GetRequiredService<IBlobStore>();
            var store = provider.GetRequiredService<EmbeddedStore>();

            Assert.Same(store.Chunks, chunks);
            Assert.Same(store.Documents, catalog);
            Assert.Same(store.Blobs, blobs);
            await chunks.ReplaceDocumentChunksAsync("a", "docs", "d", [Chunk("a", "docs", "d", 0, "kept", Axis(Dimension, 0))]);
        }

        await using var reopened = await EmbeddedStore.OpenAsync(Options(_folder.FullName));
        Assert.Empty(reopened.Rebuilds);
        Assert.Equal(1, await reopened.Chunks.CountAsync("a", "docs"));
    }
}
