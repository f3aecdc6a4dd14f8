namespace RagStack.Documents;

/// <summary>Where a document is in the ingestion pipeline.</summary>
public enum DocumentStatus
{
    /// <summary>Accepted and waiting for the pipeline.</summary>
    Queued,
    /// <summary>A pipeline step is running.</summary>
    Processing,
    /// <summary>Every step finished; the document's chunks are searchable.</summary>
    Ready,
    /// <summary>A step failed; <see cref="DocumentRecord.Error"/> says why.</summary>
    Failed,
}

/// <summary>Where a document is in the ingestion pipeline, step by step, as a portal shows it.</summary>
public enum DocumentStage
{
    /// <summary>Accepted and waiting for the pipeline.</summary>
    Queued,
    /// <summary>Its text is being extracted.</summary>
    Extracting,
    /// <summary>Its text is being cut into chunks.</summary>
    Partitioning,
    /// <summary>Its chunks are being embedded (<see cref="DocumentRecord.ChunksEmbedded"/> of <see cref="DocumentRecord.ChunkCount"/>).</summary>
    Embedding,
    /// <summary>Its chunks are being written to the index.</summary>
    Indexing,
    /// <summary>Every step finished; the document's chunks are searchable.</summary>
    Ready,
    /// <summary>A step failed; <see cref="DocumentRecord.FailedStep"/> and <see cref="DocumentRecord.Error"/> say which and why.</summary>
    Failed,
}

/// <summary>The names of the ingestion pipeline's steps, in order.</summary>
public static class PipelineSteps
{
    public const string Extract = "extract";
    public const string Partition = "partition";
    public const string Embed = "embed";
    public const string Index = "index";

    /// <summary>All steps in the order they run.</summary>
    public static IReadOnlyList<string> All { get; } = [Extract, Partition, Embed, Index];
}

/// <summary>
/// One document of one index of one tenant, as the catalog records it. The id is stable for a source
/// (tenant + index + source name), so re-ingesting a changed file replaces the same document.
/// </summary>
public sealed record DocumentRecord
{
    public required string Id { get; init; }
    public required string Index { get; init; }
    public required string Tenant { get; init; }
    /// <summary>File name or source key the user knows the document by.</summary>
    public required string Name { get; init; }
    /// <summary>SHA-256 of the original bytes (hex); the blob store keys originals by it.</summary>
    public required string ContentHash { get; init; }
    /// <summary>Media type sniffed from the bytes (e.g. <c>application/pdf</c>); empty until extraction ran.</summary>
    public string ContentType { get; init; } = "";
    public long SizeBytes { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public DocumentStatus Status { get; init; } = DocumentStatus.Queued;
    /// <summary>The last step that completed (one of <see cref="PipelineSteps"/>), or null before the first.</summary>
    public string? CompletedStep { get; init; }
    /// <summary>The step that failed, when <see cref="Status"/> is <see cref="DocumentStatus.Failed"/>.</summary>
    public string? FailedStep { get; init; }
    /// <summary>A readable reason for the failure.</summary>
    public string? Error { get; init; }
    /// <summary>The document's chunks: those its last partitioning cut (while it is embedded and indexed), then those searchable.</summary>
    public int ChunkCount { get; init; }
    /// <summary>How many of <see cref="ChunkCount"/> chunks are embedded so far, while the document is embedded.</summary>
    public int ChunksEmbedded { get; init; }
    public int? PageCount { get; init; }
    /// <summary>The 1-based pages from which no text was extracted (scanned pages that need OCR); empty for formats without pages.</summary>
    public IReadOnlyList<int> PagesWithoutText { get; init; } = [];
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The pipeline step the document is at, from its status and the last step it completed.</summary>
    public DocumentStage Stage => Status switch
    {
        DocumentStatus.Queued => DocumentStage.Queued,
        DocumentStatus.Ready => DocumentStage.Ready,
        DocumentStatus.Failed => DocumentStage.Failed,
        _ => CompletedStep switch
        {
            PipelineSteps.Extract => DocumentStage.Partitioning,
            PipelineSteps.Partition => DocumentStage.Embedding,
            PipelineSteps.Embed or PipelineSteps.Index => DocumentStage.Indexing,
            _ => DocumentStage.Extracting,
        },
    };
}
