using RagStack.Documents;

namespace RagStack.Ingestion;

/// <summary>
/// One queued ingestion of a document's stored original: which bytes (by their SHA-256 in the blob store) go into which
/// document. A job outlives the process that queued it until the pipeline has run it.
/// </summary>
public sealed record IngestionJob
{
    /// <summary>Increasing in the order jobs were queued.</summary>
    public required long Id { get; init; }
    public required string Tenant { get; init; }
    public required string Index { get; init; }
    public required string DocumentId { get; init; }
    /// <summary>The document's name (its file name).</summary>
    public required string Name { get; init; }
    /// <summary>SHA-256 of the bytes to ingest, as the blob store keys them.</summary>
    public required string ContentHash { get; init; }
    /// <summary>The content the document had when this job was queued, if other; freed once no document or job needs it.</summary>
    public string? PreviousContentHash { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    /// <summary>How many times the job was taken, counting this time: more than one means an earlier run was interrupted.</summary>
    public int Attempts { get; init; }
    public DateTimeOffset EnqueuedAt { get; init; }
}

/// <summary>
/// The durable ingestion queue: accepted documents are recorded <see cref="DocumentStatus.Queued"/> together with their
/// jobs in one write, so a process that stops at any point loses no accepted document, and a restart resumes the jobs
/// that were waiting or running. Running a job again is harmless: the pipeline skips bytes it already indexed.
/// </summary>
public interface IIngestionQueue
{
    /// <summary>
    /// Records <paramref name="documents"/> (status <see cref="DocumentStatus.Queued"/>) and queues one job for each, all
    /// in one durable write: when it returns every document is queued, when it throws none is. A document that already
    /// had a job waiting keeps only the new one.
    /// </summary>
    Task<IReadOnlyList<IngestionJob>> EnqueueAsync(IReadOnlyList<DocumentRecord> documents, CancellationToken cancellationToken = default);

    /// <summary>Takes up to <paramref name="max"/> waiting jobs, oldest first, and marks them running.</summary>
    Task<IReadOnlyList<IngestionJob>> TakeAsync(int max, CancellationToken cancellationToken = default);

    /// <summary>Removes a finished job (whatever the pipeline's outcome: a failure is recorded on the document).</summary>
    Task CompleteAsync(long jobId, CancellationToken cancellationToken = default);

    /// <summary>Puts back the jobs that were running when the process stopped; returns how many. Call once at start.</summary>
    Task<int> RequeueInterruptedAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes the jobs of a document, waiting or running (its deletion); returns how many.</summary>
    Task<int> CancelAsync(string tenant, string documentId, CancellationToken cancellationToken = default);

    /// <summary>True when a job not yet finished still needs these bytes.</summary>
    Task<bool> IsContentQueuedAsync(string contentHash, CancellationToken cancellationToken = default);

    /// <summary>How many jobs are waiting or running.</summary>
    Task<int> CountAsync(CancellationToken cancellationToken = default);
}
