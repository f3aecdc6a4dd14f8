using RagStack.Documents;
using RagStack.Ingestion;

namespace RagStack.Storage.Embedded.Tests.Ingestion;

public sealed class SqliteIngestionQueueTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "ragstack-queue-" + Guid.NewGuid().ToString("N"));
    private EmbeddedStore _store = null!;

    public async Task InitializeAsync() => _store = await Open();

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task Enqueued_documents_are_recorded_queued_and_their_jobs_are_taken_oldest_first_once()
    {
        await _store.IngestionQueue.EnqueueAsync([Document("a.md", Hash('a')), Document("b.md", Hash('b'))]);

        var first = await _store.IngestionQueue.TakeAsync(1);
        var second = await _store.IngestionQueue.TakeAsync(10);
        var none = await _store.IngestionQueue.TakeAsync(10);

        Assert.Equal(DocumentStatus.Queued, (await _store.Documents.GetAsync("t", Id("a.md")))!.Status);
        Assert.Equal(["a.md"], first.Select(j => j.Name));
        Assert.Equal(["b.md"], second.Select(j => j.Name));
        Assert.Empty(none);
        Assert.Equal(1, first[0].Attempts);
        Assert.Equal(Hash('a'), first[0].ContentHash);
    }

    [Fact]
    public async Task Jobs_running_when_the_store_closed_are_put_back_on_the_next_open_and_completed_ones_are_gone()
    {
        await _store.IngestionQueue.EnqueueAsync([Document("a.md", Hash('a')), Document("b.md", Hash('b'))]);
        var taken = await _store.IngestionQueue.TakeAsync(10);
        await _store.IngestionQueue.CompleteAsync(taken[0].Id);
        await _store.DisposeAsync();

        _store = await Open();
        var requeued = await _store.IngestionQueue.RequeueInterruptedAsync();
        var again = await _store.IngestionQueue.TakeAsync(10);

        Assert.Equal(1, requeued);
        Assert.Equal(["b.md"], again.Select(j => j.Name));
        Assert.Equal(2, again[0].Attempts);
    }

    [Fact]
    public async Task A_new_upload_of_a_waiting_document_replaces_its_job_and_remembers_the_old_bytes()
    {
        await _store.IngestionQueue.EnqueueAsync([Document("a.md", Hash('a'))]);
        await _store.IngestionQueue.EnqueueAsync([Document("a.md", Hash('b'))]);

        var jobs = await _store.IngestionQueue.TakeAsync(10);

        var job = Assert.Single(jobs);
        Assert.Equal(Hash('b'), job.ContentHash);
        Assert.Equal(Hash('a'), job.PreviousContentHash);
        Assert.True(await _store.IngestionQueue.IsContentQueuedAsync(Hash('b')));
        Assert.False(await _store.IngestionQueue.IsContentQueuedAsync(Hash('a')));
    }

    [Fact]
    public async Task Cancel_removes_a_documents_jobs()
    {
        await _store.IngestionQueue.EnqueueAsync([Document("a.md", Hash('a')), Document("b.md", Hash('b'))]);

        var cancelled = await _store.IngestionQueue.CancelAsync("t", Id("a.md"));

        Assert.Equal(1, cancelled);
        Assert.Equal(1, await _store.IngestionQueue.CountAsync());
        Assert.Equal(["b.md"], (await _store.IngestionQueue.TakeAsync(10)).Select(j => j.Name));
    }

    [Fact]
    public async Task An_enqueue_that_fails_part_way_records_nothing()
    {
        var bad = Document("b.md", Hash('b')) with { Tenant = "" };

        await Assert.ThrowsAnyAsync<ArgumentException>(() => _store.IngestionQueue.EnqueueAsync([Document("a.md", Hash('a')), bad]));

        Assert.Null(await _store.Documents.GetAsync("t", Id("a.md")));
        Assert.Equal(0, await _store.IngestionQueue.CountAsync());
    }

    private Task<EmbeddedStore> Open() => EmbeddedStore.OpenAsync(new EmbeddedStoreOptions { DataDirectory = _data });

    private static string Hash(char c) => new(c, 64);

    private static string Id(string name) => "doc-" + name;

    private static DocumentRecord Document(string name, string hash) => new()
    {
        Id = Id(name),
        Index = "i",
        Tenant = "t",
        Name = name,
        ContentHash = hash,
    };
}
