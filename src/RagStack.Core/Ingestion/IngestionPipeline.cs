using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RagStack.Chunks;
using RagStack.Documents;
using RagStack.Embeddings;
using RagStack.Extraction;
using RagStack.Ingestion.Extraction;
using RagStack.Ingestion.Partitioning;
using RagStack.Storage;
using RagStack.Telemetry;

namespace RagStack.Ingestion;

/// <summary>
/// The ingestion pipeline: bytes are kept in the blob store, then each document runs the named steps extract →
/// partition → embed → index, its record in the catalog following along. Chunks of several documents are embedded in
/// one call. A document that fails keeps its earlier chunks and gets a readable reason; the others go on.
/// </summary>
internal sealed partial class IngestionPipeline : IDocumentIngestor
{
    private readonly IDocumentCatalog _catalog;
    private readonly IBlobStore _blobs;
    private readonly IChunkStore _chunks;
    private readonly IEmbeddingGenerator<string, Embedding<float>> _embeddings;
    private readonly ExtractionRunner _extraction;
    private readonly StructuredChunker _chunker;
    private readonly ITokenCounter _tokens;
    private readonly IngestionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<IngestionPipeline> _logger;

    public IngestionPipeline(
        IDocumentCatalog catalog,
        IBlobStore blobs,
        IChunkStore chunks,
        IEmbeddingGenerator<string, Embedding<float>> embeddings,
        ITokenCounter tokens,
        ExtractionRunner extraction,
        IOptions<IngestionOptions> options,
        TimeProvider time,
        ILogger<IngestionPipeline> logger)
    {
        _catalog = catalog;
        _blobs = blobs;
        _chunks = chunks;
        _embeddings = embeddings;
        _tokens = tokens;
        _extraction = extraction;
        _options = options.Value;
        _chunker = new StructuredChunker(tokens, _options.Chunking);
        _time = time;
        _logger = logger;
    }

    public async Task<IngestResult> IngestAsync(IngestRequest request, CancellationToken cancellationToken = default)
    {
        await foreach (var result in IngestManyAsync([request], cancellationToken))
        {
            return result;
        }

        throw new UnreachableException("The pipeline yields one result per request.");
    }

    public async IAsyncEnumerable<IngestResult> IngestManyAsync(IEnumerable<IngestRequest> requests, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);

        // Documents are read, extracted and chunked on one worker while the previous batch is embedded and indexed, so
        // the single-threaded parsers (PdfPig's layout analysis, OpenXml) overlap the embedding model instead of waiting for it.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var prepared = Channel.CreateBounded<Prepared>(new BoundedChannelOptions(PrepareAhead) { SingleReader = true, SingleWriter = true });
        var producer = Task.Run(() => PrepareAllAsync(requests, prepared.Writer, stop.Token), stop.Token);
        try
        {
            var pending = new List<Prepared>();
            var pendingChunks = 0;
            await foreach (var document in prepared.Reader.ReadAllAsync(cancellationToken))
            {
                if (document.Result is { } done)
                {
                    yield return done;
                    continue;
                }

                pending.Add(document);
                pendingChunks += document.Chunks.Count;

                // A full batch goes at once; a smaller one goes when nothing else is ready, rather than leave the model idle.
                if (pendingChunks >= _options.EmbeddingBatchSize || (pendingChunks >= MinimumBatch && prepared.Reader.Count == 0))
                {
                    foreach (var result in await EmbedAndIndexAsync(pending, cancellationToken))
                    {
                        yield return result;
                    }

                    pending.Clear();
                    pendingChunks = 0;
                }
            }

            await producer;
            foreach (var result in await EmbedAndIndexAsync(pending, cancellationToken))
            {
                yield return result;
            }
        }
        finally
        {
            // The caller stopped early, failed or cancelled: stop preparing and wait, so no worker outlives the call.
            await stop.CancelAsync();
            try
            {
                await producer;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>How many prepared documents may wait for the embedding step; bounds memory on large folders.</summary>
    private const int PrepareAhead = 16;

    /// <summary>The fewest chunks worth an embedding call while documents are still being prepared.</summary>
    private const int MinimumBatch = 16;

    private async Task PrepareAllAsync(IEnumerable<IngestRequest> requests, ChannelWriter<Prepared> writer, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var request in requests)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await writer.WriteAsync(await PrepareAsync(request, cancellationToken), cancellationToken);
            }

            writer.Complete();
        }
        catch (Exception ex)
        {
            writer.Complete(ex);
            throw;
        }
    }

    public async Task<bool> DeleteAsync(string tenant, string documentId, CancellationToken cancellationToken = default)
    {
        var document = await _catalog.GetAsync(tenant, documentId, cancellationToken);
        if (document is null)
        {
            return false;
        }

        // Chunks first: a crash between the two leaves a record without chunks, which a second delete finishes.
        await _chunks.DeleteDocumentChunksAsync(tenant, document.Index, documentId, cancellationToken);
        await _catalog.DeleteAsync(tenant, documentId, cancellationToken);
        await DeleteBlobIfUnusedAsync(document.ContentHash, cancellationToken);
        LogDeleted(document.Name, document.Index);
        return true;
    }

    /// <summary>Reads, stores and extracts one document and cuts it into chunks; returns a result instead when it ends early.</summary>
    private async Task<Prepared> PrepareAsync(IngestRequest request, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        using var activity = RagStackTelemetry.ActivitySource.StartActivity("ingest.prepare");
        activity?.SetTag("ragstack.document.name", request.Name);
        var id = DocumentIds.ForDocument(request.Tenant, request.Index, request.Name);
        byte[] bytes;
        try
        {
            bytes = await ReadAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is DocumentRejectedException or IOException or UnauthorizedAccessException)
        {
            // Unreadable or oversized input: nothing was stored, so no record is written either.
            return new Prepared(request, null!, [], null, Done(request, IngestOutcome.Failed, null, ex.Message, started));
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var existing = await _catalog.GetAsync(request.Tenant, id, cancellationToken);
        if (existing is { Status: DocumentStatus.Ready } && existing.ContentHash == hash && existing.Tags.SequenceEqual(request.Tags, StringComparer.Ordinal))
        {
            return new Prepared(request, existing, [], null, Done(request, IngestOutcome.Unchanged, existing, null, started));
        }

        var now = _time.GetUtcNow();
        var document = new DocumentRecord
        {
            Id = id,
            Index = request.Index,
            Tenant = request.Tenant,
            Name = request.Name,
            ContentHash = hash,
            SizeBytes = bytes.Length,
            Tags = request.Tags,
            Status = DocumentStatus.Processing,
            ChunkCount = existing?.ChunkCount ?? 0,
            CreatedAt = existing?.CreatedAt ?? now,
            UpdatedAt = now,
        };

        var previousHash = existing?.ContentHash;
        using (var stream = new MemoryStream(bytes, writable: false))
        {
            await _blobs.PutAsync(stream, cancellationToken);
        }

        await _catalog.UpsertAsync(document, cancellationToken);
        if (previousHash is not null && previousHash != hash)
        {
            await DeleteBlobIfUnusedAsync(previousHash, cancellationToken);
        }

        var step = PipelineSteps.Extract;
        try
        {
            var extraction = _options.Extraction with { PdfPasswords = [.. _options.Extraction.PdfPasswords, .. request.PdfPasswords] };
            var extracted = await _extraction.ExtractAsync(bytes, request.Name, extraction, cancellationToken);
            document = document with
            {
                ContentType = extracted.ContentType,
                PageCount = extracted.PageCount,
                PagesWithoutText = PagesWithoutText(extracted),
                CompletedStep = step,
            };
            await _catalog.UpsertAsync(document, cancellationToken);

            step = PipelineSteps.Partition;
            var pieces = _chunker.Chunk(extracted, cancellationToken);
            var title = string.IsNullOrWhiteSpace(extracted.Title) ? request.Name : extracted.Title.Trim();
            var chunks = pieces.Select(p => new ChunkRecord
            {
                Id = DocumentIds.ForChunk(id, p.Position, p.Text),
                DocumentId = id,
                Index = request.Index,
                Tenant = request.Tenant,
                DocumentName = request.Name,
                Position = p.Position,
                Text = p.Text,
                Page = p.Page,
                SectionPath = p.SectionPath,
                Start = p.Start,
                End = p.End,
                Tags = request.Tags,
            }).ToList();
            document = document with { CompletedStep = step, ChunkCount = chunks.Count, ChunksEmbedded = 0 };
            await _catalog.UpsertAsync(document, cancellationToken);
            activity?.SetTag("ragstack.chunks", chunks.Count);
            return new Prepared(request, document, chunks, chunks.Select(c => EmbeddingText(title, c)).ToList(), null, started);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var failed = await FailAsync(document, step, ex);
            return new Prepared(request, failed, [], null, Done(request, IngestOutcome.Failed, failed, failed.Error, started));
        }
        catch (OperationCanceledException)
        {
            await FailAsync(document, step, new OperationCanceledException("ingestion was cancelled"));
            throw;
        }
    }

    private async Task<IReadOnlyList<IngestResult>> EmbedAndIndexAsync(List<Prepared> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return [];
        }

        var results = new List<IngestResult>(batch.Count);
        GeneratedEmbeddings<Embedding<float>> vectors;
        using (var activity = RagStackTelemetry.ActivitySource.StartActivity("ingest.embed"))
        {
            var texts = batch.SelectMany(p => p.EmbeddingTexts!).ToList();
            activity?.SetTag("ragstack.chunks", texts.Count);
            try
            {
                vectors = await EmbedReportingAsync(batch, texts, cancellationToken);
            }
            catch (Exception ex)
            {
                foreach (var prepared in batch)
                {
                    var failed = await FailAsync(prepared.Document, PipelineSteps.Embed, ex);
                    results.Add(Done(prepared.Request, IngestOutcome.Failed, failed, failed.Error, prepared.Started));
                }

                if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
                {
                    throw;
                }

                return results;
            }
        }

        var offset = 0;
        foreach (var prepared in batch)
        {
            var chunks = prepared.Chunks.Select((c, i) => c with { Vector = vectors[offset + i].Vector }).ToList();
            offset += chunks.Count;
            var document = prepared.Document with { CompletedStep = PipelineSteps.Embed, ChunksEmbedded = chunks.Count };
            try
            {
                await _catalog.UpsertAsync(document, cancellationToken);
                using var activity = RagStackTelemetry.ActivitySource.StartActivity("ingest.index");
                await _chunks.ReplaceDocumentChunksAsync(document.Tenant, document.Index, document.Id, chunks, cancellationToken);
                document = document with
                {
                    Status = DocumentStatus.Ready,
                    CompletedStep = PipelineSteps.Index,
                    FailedStep = null,
                    Error = null,
                    ChunkCount = chunks.Count,
                    UpdatedAt = _time.GetUtcNow(),
                };
                await _catalog.UpsertAsync(document, CancellationToken.None);
                RagStackTelemetry.ChunksIndexed.Add(chunks.Count);
                RagStackTelemetry.DocumentsIngested.Add(1, new KeyValuePair<string, object?>("outcome", "ingested"));
                LogIngested(document.Name, document.Index, chunks.Count);
                results.Add(Done(prepared.Request, IngestOutcome.Ingested, document, null, prepared.Started));
            }
            catch (Exception ex)
            {
                var failed = await FailAsync(document, PipelineSteps.Index, ex);
                results.Add(Done(prepared.Request, IngestOutcome.Failed, failed, failed.Error, prepared.Started));
                if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
            }
        }

        return results;
    }

    /// <summary>
    /// Embeds <paramref name="texts"/> (the chunks of <paramref name="batch"/>'s documents, in order) a slice of
    /// <see cref="IngestionOptions.EmbeddingBatchSize"/> at a time, recording after each slice how many chunks of each
    /// document are embedded, so a portal can show "embedding k of n".
    /// </summary>
    private async Task<GeneratedEmbeddings<Embedding<float>>> EmbedReportingAsync(List<Prepared> batch, List<string> texts, CancellationToken cancellationToken)
    {
        var vectors = new GeneratedEmbeddings<Embedding<float>>(texts.Count);
        var reported = new int[batch.Count];
        var slice = Math.Max(1, _options.EmbeddingBatchSize);
        for (var offset = 0; offset < texts.Count; offset += slice)
        {
            var count = Math.Min(slice, texts.Count - offset);
            var part = await _embeddings.GenerateAsync(texts.GetRange(offset, count), cancellationToken: cancellationToken);
            if (part.Count != count)
            {
                throw new InvalidOperationException($"The embedding generator returned {part.Count} vectors for {count} chunks.");
            }

            vectors.AddRange(part);
            var start = 0;
            for (var i = 0; i < batch.Count; i++)
            {
                var chunks = batch[i].Chunks.Count;
                var embedded = Math.Clamp(vectors.Count - start, 0, chunks);
                start += chunks;
                // A document whose chunks are all embedded is recorded by the index step next; only partial progress is written here.
                if (embedded != reported[i] && embedded < chunks)
                {
                    reported[i] = embedded;
                    await _catalog.UpsertAsync(batch[i].Document with { ChunksEmbedded = embedded }, cancellationToken);
                }
            }
        }

        return vectors;
    }

    /// <summary>The 1-based pages of a paged document from which no block of text was extracted (scanned pages).</summary>
    private static IReadOnlyList<int> PagesWithoutText(ExtractedDocument extracted)
    {
        if (extracted.PageCount is not { } pages || pages == 0)
        {
            return [];
        }

        var withText = extracted.Blocks.Where(b => b.Page is not null && !string.IsNullOrWhiteSpace(b.Text)).Select(b => b.Page!.Value).ToHashSet();
        return [.. Enumerable.Range(1, pages).Where(page => !withText.Contains(page))];
    }

    /// <summary>
    /// The text a chunk is embedded as: a header of its document title and section path, then its text, within the
    /// model's window. Each heading appears once: a title repeated as the first section, or a heading the chunk's text
    /// already starts with, is left out of the header, so no words weigh twice in the vector.
    /// </summary>
    internal string EmbeddingText(string title, ChunkRecord chunk)
    {
        var parts = new List<string>();
        foreach (var part in chunk.SectionPath.Prepend(title))
        {
            if (part.Length > 0 && (parts.Count == 0 || !string.Equals(parts[^1], part, StringComparison.OrdinalIgnoreCase)))
            {
                parts.Add(part);
            }
        }

        while (parts.Count > 0 && chunk.Text.StartsWith(parts[^1], StringComparison.OrdinalIgnoreCase))
        {
            parts.RemoveAt(parts.Count - 1);
        }

        var header = string.Join(" › ", parts);
        while (header.Length > 0 && _tokens.CountTokens(header) > _options.Chunking.HeaderTokens)
        {
            header = header[..(header.Length * 3 / 4)];
        }

        return header.Length == 0 ? chunk.Text : $"{header}\n{chunk.Text}";
    }

    private async Task<byte[]> ReadAsync(IngestRequest request, CancellationToken cancellationToken)
    {
        var limit = _options.Extraction.MaxBytes;
        await using var stream = request.OpenContent();
        if (stream.CanSeek && stream.Length > limit)
        {
            throw new DocumentRejectedException(RejectionReason.TooLarge, $"file is {Size(stream.Length)}; the limit is {Size(limit)}");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new DocumentRejectedException(RejectionReason.TooLarge, $"file is larger than the limit of {Size(limit)}");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private async Task<DocumentRecord> FailAsync(DocumentRecord document, string step, Exception ex)
    {
        var failed = document with
        {
            Status = DocumentStatus.Failed,
            FailedStep = step,
            Error = ex.Message,
            UpdatedAt = _time.GetUtcNow(),
        };

        // The failure is recorded even when the caller cancelled, so no document is left looking half-done.
        await _catalog.UpsertAsync(failed, CancellationToken.None);
        RagStackTelemetry.DocumentsIngested.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
        LogFailed(document.Name, step, ex.Message);
        return failed;
    }

    private async Task DeleteBlobIfUnusedAsync(string hash, CancellationToken cancellationToken)
    {
        // Blobs are shared by content: the same bytes under two names are stored once.
        if (!await _catalog.IsContentReferencedAsync(hash, cancellationToken))
        {
            _blobs.Delete(hash);
        }
    }

    private IngestResult Done(IngestRequest request, IngestOutcome outcome, DocumentRecord? document, string? error, long started) =>
        new(request, outcome, document, error, _time.GetElapsedTime(started));

    private static string Size(long bytes) => $"{bytes / 1024.0 / 1024.0:0.0} MiB";

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingested {Name} into {Index}: {Chunks} chunks")]
    private partial void LogIngested(string name, string index, int chunks);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failed to ingest {Name} at step {Step}: {Reason}")]
    private partial void LogFailed(string name, string step, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Name} from {Index}")]
    private partial void LogDeleted(string name, string index);

    private sealed record Prepared(IngestRequest Request, DocumentRecord Document, IReadOnlyList<ChunkRecord> Chunks, IReadOnlyList<string>? EmbeddingTexts, IngestResult? Result, long Started = 0);
}
