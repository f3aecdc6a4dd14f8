using System.Security.Cryptography;
using RagStack.Chunks;
using RagStack.Cli.Reindex;
using RagStack.Documents;
using RagStack.Storage;
using RagStack.Storage.Embedded;
using static RagStack.Testing.TestChunks;

namespace RagStack.Cli.Tests.Reindex;

/// <summary>Moving an index between two real embedded data folders.</summary>
public sealed class IndexTransferTests : IAsyncLifetime
{
    private readonly TemporaryFolder _sourceFolder = new("ragstack-transfer-source-");
    private readonly TemporaryFolder _targetFolder = new("ragstack-transfer-target-");
    private EmbeddedStore _source = null!;
    private EmbeddedStore _target = null!;

    public async Task InitializeAsync()
    {
        _source = await EmbeddedStore.OpenAsync(new EmbeddedStoreOptions { DataDirectory = _sourceFolder.FullName });
        _target = await EmbeddedStore.OpenAsync(new EmbeddedStoreOptions { DataDirectory = _targetFolder.FullName });
    }

    public async Task DisposeAsync()
    {
        await _source.DisposeAsync();
        await _target.DisposeAsync();
        _sourceFolder.Dispose();
        _targetFolder.Dispose();
    }

    private IndexTransfer Transfer(IChunkStore? target = null) =>
        new(_source.Documents, _source.Blobs, _source.Chunks, target ?? _target.Chunks, _target.Documents, _target.Blobs);

    private async Task<DocumentRecord> SeedAsync(string id, int chunks, DocumentStatus status = DocumentStatus.Ready)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes($"original text of {id}");
        var hash = await _source.Blobs.PutAsync(new MemoryStream(bytes));
        var document = new DocumentRecord { Id = id, Index = "docs", Tenant = "local", Name = id + ".md", ContentHash = hash, Status = status, ChunkCount = chunks };
        await _source.Documents.UpsertAsync(document);
        await _source.Chunks.ReplaceDocumentChunksAsync("local", "docs", id,
            Enumerable.Range(0, chunks).Select(i => Chunk("local", "docs", id, i, $"{id} passage {i} about herons", Axis(8, i))).ToList());
        return document;
    }

    [Fact]
    public async Task Chunks_records_and_originals_move_and_the_counts_match()
    {
        var first = await SeedAsync("alpha", 3);
        await SeedAsync("beta", 2);

        var result = await Transfer().RunAsync("local", "docs", null, CancellationToken.None);

        Assert.Equal((2, 2, 0, 5L, 5L, 5L), (result.Documents, result.Copied, result.AlreadyThere, result.Chunks, result.SourceChunks, result.TargetChunks));
        Assert.True(result.CountsMatch);
        var moved = await _target.Chunks.GetDocumentChunksAsync("local", "docs", "alpha");
        Assert.Equal((await _source.Chunks.GetDocumentChunksAsync("local", "docs", "alpha")).Select(c => (c.Id, c.Text)), moved.Select(c => (c.Id, c.Text)));
        Assert.Equal(Axis(8, 1), moved[1].Vector.ToArray());
        Assert.Equal(DocumentStatus.Ready, (await _target.Documents.GetAsync("local", "alpha"))!.Status);
        await using var original = _target.Blobs.OpenRead(first.ContentHash)!;
        Assert.Equal(first.ContentHash, Convert.ToHexStringLower(await SHA256.HashDataAsync(original)));
        Assert.Equal("beta#0", (await _target.Chunks.KeywordSearchAsync("beta herons", new ChunkFilter { Tenant = "local", Index = "docs" }, 1))[0].Chunk.Id);
    }

    [Fact]
    public async Task An_interrupted_transfer_resumes_where_it_stopped()
    {
        await SeedAsync("alpha", 3);
        await SeedAsync("beta", 2);
        await SeedAsync("gamma", 4);
        var failing = new FakeFailingChunkStore(_target.Chunks, failOnWrite: 2);

        await Assert.ThrowsAsync<IOException>(() => Transfer(failing).RunAsync("local", "docs", null, CancellationToken.None));
        var progress = new List<TransferProgress>();
        var result = await Transfer().RunAsync("local", "docs", new SynchronousProgress(progress), CancellationToken.None);

        Assert.Equal((3, 2, 1), (result.Documents, result.Copied, result.AlreadyThere));
        Assert.Equal(9, await _target.Chunks.CountAsync("local", "docs"));
        Assert.True(result.CountsMatch);
        Assert.Equal([0, 1, 2, 3], progress.Select(p => p.Done));
        Assert.All(progress, p => Assert.Equal(3, p.Total));
    }

    [Fact]
    public async Task A_second_run_copies_nothing()
    {
        await SeedAsync("alpha", 3);
        await Transfer().RunAsync("local", "docs", null, CancellationToken.None);

        var again = await Transfer().RunAsync("local", "docs", null, CancellationToken.None);

        Assert.Equal((1, 0, 1), (again.Documents, again.Copied, again.AlreadyThere));
    }

    [Fact]
    public async Task Documents_that_are_not_ready_are_left_and_counted()
    {
        await SeedAsync("alpha", 3);
        await SeedAsync("broken", 0, DocumentStatus.Failed);

        var result = await Transfer().RunAsync("local", "docs", null, CancellationToken.None);

        Assert.Equal((1, 1), (result.Documents, result.NotReady));
        Assert.Null(await _target.Documents.GetAsync("local", "broken"));
    }

    [Fact]
    public async Task A_target_that_holds_other_chunks_of_the_index_fails_the_count_check()
    {
        await SeedAsync("alpha", 3);
        await _target.Chunks.ReplaceDocumentChunksAsync("local", "docs", "stray", [Chunk("local", "docs", "stray", 0, "left over", Axis(8, 0))]);

        var result = await Transfer().RunAsync("local", "docs", null, CancellationToken.None);

        Assert.False(result.CountsMatch);
        Assert.Equal((3L, 4L), (result.SourceChunks, result.TargetChunks));
    }

    /// <summary>Reports on the caller's thread, so the test sees every report before the transfer returns.</summary>
    private sealed class SynchronousProgress(List<TransferProgress> reports) : IProgress<TransferProgress>
    {
        public void Report(TransferProgress value) => reports.Add(value);
    }

    /// <summary>A target store whose n-th write fails, as a store that goes away in the middle of a transfer.</summary>
    private sealed class FakeFailingChunkStore(IChunkStore inner, int failOnWrite) : IChunkStore
    {
        private int _writes;

        public Task ReplaceDocumentChunksAsync(string tenant, string index, string documentId, IReadOnlyList<ChunkRecord> chunks, CancellationToken cancellationToken = default) =>
            ++_writes == failOnWrite ? throw new IOException("the target went away") : inner.ReplaceDocumentChunksAsync(tenant, index, documentId, chunks, cancellationToken);

        public Task<int> DeleteDocumentChunksAsync(string tenant, string index, string documentId, CancellationToken cancellationToken = default) => inner.DeleteDocumentChunksAsync(tenant, index, documentId, cancellationToken);

        public Task<IReadOnlyList<ChunkRecord>> GetAsync(string tenant, string index, IReadOnlyList<string> ids, CancellationToken cancellationToken = default) => inner.GetAsync(tenant, index, ids, cancellationToken);

        public Task<IReadOnlyList<ChunkRecord>> GetDocumentChunksAsync(string tenant, string index, string documentId, CancellationToken cancellationToken = default) => inner.GetDocumentChunksAsync(tenant, index, documentId, cancellationToken);

        public Task<IReadOnlyList<ScoredChunk>> VectorSearchAsync(ReadOnlyMemory<float> vector, ChunkFilter filter, int top, CancellationToken cancellationToken = default) => inner.VectorSearchAsync(vector, filter, top, cancellationToken);

        public Task<IReadOnlyList<ScoredChunk>> KeywordSearchAsync(string query, ChunkFilter filter, int top, CancellationToken cancellationToken = default) => inner.KeywordSearchAsync(query, filter, top, cancellationToken);

        public Task<long> CountAsync(string tenant, string index, CancellationToken cancellationToken = default) => inner.CountAsync(tenant, index, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
