using RagStack.Documents;

namespace RagStack.Ingestion;

/// <summary>One document to ingest: its bytes and where it goes.</summary>
public sealed record IngestRequest
{
    /// <summary>The document's name (usually its file name or a path relative to the ingested folder); with tenant and index it identifies the document.</summary>
    public required string Name { get; init; }

    /// <summary>Opens the document's bytes; called once. The pipeline disposes the stream.</summary>
    public required Func<Stream> OpenContent { get; init; }

    public string Index { get; init; } = "default";
    public string Tenant { get; init; } = "local";
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Passwords to try on an encrypted PDF.</summary>
    public IReadOnlyList<string> PdfPasswords { get; init; } = [];
}

/// <summary>What happened to one ingested document.</summary>
public enum IngestOutcome
{
    /// <summary>Extracted, chunked, embedded and indexed; any earlier version was replaced.</summary>
    Ingested,
    /// <summary>The same bytes were already ingested; nothing was written.</summary>
    Unchanged,
    /// <summary>A step failed; the document record says which and why, and earlier chunks of it are kept.</summary>
    Failed,
}

/// <summary>The result of ingesting one document.</summary>
public sealed record IngestResult(IngestRequest Request, IngestOutcome Outcome, DocumentRecord? Document, string? Error, TimeSpan Elapsed)
{
    /// <summary>Chunks the document has in the index after this ingestion.</summary>
    public int ChunkCount => Document?.ChunkCount ?? 0;
}

/// <summary>Runs documents through the ingestion pipeline: extract, partition, embed, index.</summary>
public interface IDocumentIngestor
{
    /// <summary>Ingests one document. Bad input never throws: it comes back as <see cref="IngestOutcome.Failed"/> with a reason.</summary>
    Task<IngestResult> IngestAsync(IngestRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ingests many documents, embedding chunks of several documents together for speed, and yields each result as its
    /// document finishes. A failure of one document never stops the others.
    /// </summary>
    IAsyncEnumerable<IngestResult> IngestManyAsync(IEnumerable<IngestRequest> requests, CancellationToken cancellationToken = default);

    /// <summary>Removes a document everywhere: its chunks, its record and (when no other document shares it) its original bytes.</summary>
    Task<bool> DeleteAsync(string tenant, string documentId, CancellationToken cancellationToken = default);
}
