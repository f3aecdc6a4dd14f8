using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RagStack.Api.Tenancy;
using RagStack.Documents;
using RagStack.Ingestion;

namespace RagStack.Api.Documents;

/// <summary>
/// Runs the durable ingestion queue in the background: at start it puts back jobs a stopped process left running and
/// seeds the sample corpus when asked; then it takes waiting jobs in batches (so their chunks are embedded together) and
/// runs each through the pipeline. Bytes the pipeline already indexed under a document are skipped, so a job run twice
/// ingests once.
/// </summary>
internal sealed partial class IngestionWorker(
    IIngestionQueue queue,
    IDocumentIngestor ingestor,
    IDocumentCatalog catalog,
    IBlobStore blobs,
    IngestionSignal signal,
    UploadReader uploads,
    IOptions<UploadOptions> options,
    TimeProvider time,
    ILogger<IngestionWorker> logger) : BackgroundService
{
    private const int BatchSize = 16;

    /// <summary>Runs of one job that may be interrupted (a crash, an unexpected error) before the document is marked failed.</summary>
    private const int MaxAttempts = 3;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var requeued = await queue.RequeueInterruptedAsync(stoppingToken);
        if (requeued > 0)
        {
            LogResumed(requeued);
        }

        await SeedAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<IngestionJob> jobs;
            try
            {
                jobs = await queue.TakeAsync(BatchSize, stoppingToken);
                if (jobs.Count == 0)
                {
                    await signal.WaitAsync(PollInterval, stoppingToken);
                    continue;
                }

                await RunAsync(jobs, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Jobs still marked running are put back at the next start.
                return;
            }
            catch (Exception e)
            {
                // The queue keeps the jobs: put back the ones this batch left running (this worker is the only one) and try
                // again shortly; a job that keeps failing this way is marked failed after MaxAttempts.
                LogWorkerError(e);
                await queue.RequeueInterruptedAsync(CancellationToken.None);
                await Task.Delay(PollInterval, time, stoppingToken);
            }
        }
    }

    private async Task RunAsync(IReadOnlyList<IngestionJob> jobs, CancellationToken cancellationToken)
    {
        var byRequest = new Dictionary<IngestRequest, IngestionJob>(ReferenceEqualityComparer.Instance);
        foreach (var job in jobs)
        {
            if (await catalog.GetAsync(job.Tenant, job.DocumentId, cancellationToken) is null)
            {
                // Deleted after it was queued.
                await queue.CompleteAsync(job.Id, cancellationToken);
                continue;
            }

            if (job.Attempts > MaxAttempts)
            {
                // Each earlier run ended the process or the batch: a document that does that is not tried forever.
                await MarkFailedAsync(job, $"ingestion was interrupted {MaxAttempts} times while reading this document; check the file and upload it again");
                await queue.CompleteAsync(job.Id, cancellationToken);
                continue;
            }

            var request = new IngestRequest
            {
                Name = job.Name,
                Index = job.Index,
                Tenant = job.Tenant,
                Tags = job.Tags,
                OpenContent = () => blobs.OpenRead(job.ContentHash)
                    ?? throw new FileNotFoundException($"the uploaded original ({job.ContentHash[..12]}…) is missing from the blob store; upload the file again"),
            };
            byRequest.Add(request, job);
        }

        await foreach (var result in ingestor.IngestManyAsync(byRequest.Keys, cancellationToken))
        {
            var job = byRequest[result.Request];
            if (result.Outcome == IngestOutcome.Failed && result.Document is null)
            {
                // The pipeline could not even read the original, so it wrote no record; the queued record says why instead.
                await MarkFailedAsync(job, result.Error ?? "the original could not be read");
            }

            await queue.CompleteAsync(job.Id, CancellationToken.None);
            if (job.PreviousContentHash is { } previous)
            {
                await uploads.DeleteUnreferencedAsync([previous]);
            }
        }
    }

    private async Task MarkFailedAsync(IngestionJob job, string error)
    {
        if (await catalog.GetAsync(job.Tenant, job.DocumentId, CancellationToken.None) is { } document)
        {
            await catalog.UpsertAsync(document with
            {
                Status = DocumentStatus.Failed,
                FailedStep = PipelineSteps.Extract,
                Error = error,
                UpdatedAt = time.GetUtcNow(),
            }, CancellationToken.None);
        }
    }

    /// <summary>Queues the seed folder's files when the local tenant's seed index is empty (the first start).</summary>
    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.SeedFolder is not { Length: > 0 } folder)
        {
            return;
        }

        if (!Directory.Exists(folder))
        {
            LogSeedMissing(folder);
            return;
        }

        if ((await catalog.ListAsync(RequestTenant.Local, settings.SeedIndex, cancellationToken)).Count > 0)
        {
            return;
        }

        var stopwatch = Stopwatch.StartNew();
        var documents = new List<DocumentRecord>();
        var now = time.GetUtcNow();
        foreach (var file in SourceFiles.Expand([folder], out _))
        {
            await using var content = File.OpenRead(file.Path);
            var hash = await blobs.PutAsync(content, cancellationToken);
            documents.Add(new DocumentRecord
            {
                Id = DocumentIds.ForDocument(RequestTenant.Local, settings.SeedIndex, file.Name),
                Index = settings.SeedIndex,
                Tenant = RequestTenant.Local,
                Name = file.Name,
                ContentHash = hash,
                SizeBytes = new FileInfo(file.Path).Length,
                CreatedAt = now,
                UpdatedAt = now,
            });
        }

        await queue.EnqueueAsync(documents, cancellationToken);
        LogSeeded(documents.Count, folder, settings.SeedIndex, stopwatch.ElapsedMilliseconds);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming {Count} ingestion jobs that were running when the service stopped")]
    private partial void LogResumed(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queued {Count} documents of {Folder} into index {Index} (first start) in {Elapsed} ms")]
    private partial void LogSeeded(int count, string folder, string index, long elapsed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The seed folder {Folder} does not exist; nothing was seeded")]
    private partial void LogSeedMissing(string folder);

    [LoggerMessage(Level = LogLevel.Error, Message = "The ingestion worker hit an error; retrying shortly")]
    private partial void LogWorkerError(Exception exception);
}
