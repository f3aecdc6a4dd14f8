using RagStack.Documents;

namespace RagStack;

/// <summary>One file to upload: the name the index will know it by and its bytes, opened once when it is sent.</summary>
/// <param name="Name">The file name, e.g. <c>lease.pdf</c>; with the index it identifies the document, so uploading the same name replaces it.</param>
/// <param name="OpenContent">Opens the bytes; the client disposes the stream.</param>
public sealed record DocumentUpload(string Name, Func<Stream> OpenContent)
{
    /// <summary>A file on disk, uploaded under its file name.</summary>
    public static DocumentUpload FromFile(string path) => new(Path.GetFileName(path), () => File.OpenRead(path));

    /// <summary>Text uploaded as a UTF-8 file named <paramref name="name"/>; name it <c>.md</c> to have its headings kept as sections.</summary>
    public static DocumentUpload FromText(string name, string text) => new(name, () => new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)));
}

/// <summary>How much of an upload has been sent.</summary>
/// <param name="BytesSent">Bytes of file content sent so far, over all files.</param>
/// <param name="FileName">The file being sent.</param>
public sealed record UploadProgress(long BytesSent, string FileName);

/// <summary>One uploaded file as the RagStack accepted it.</summary>
/// <param name="Id">The document's id in the index, for <see cref="IRagStackClient.GetDocumentAsync"/>.</param>
/// <param name="Name">The name it was stored under.</param>
/// <param name="Index">The index it went into.</param>
/// <param name="Status">Queued by a remote RagStack; ready or failed from the in-process one.</param>
/// <param name="Unchanged">True when the index already held these bytes under this name, so nothing is ingested again.</param>
public sealed record UploadReceipt(string Id, string Name, string Index, DocumentStatus Status, bool Unchanged);

/// <summary>A document as a client sees it: what it is and where it is in the ingestion pipeline.</summary>
public sealed record DocumentInfo
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Index { get; init; }
    public DocumentStatus Status { get; init; }
    /// <summary>The pipeline step the document is at.</summary>
    public DocumentStage Stage { get; init; }
    /// <summary>The step that failed, when <see cref="Status"/> is <see cref="DocumentStatus.Failed"/>.</summary>
    public string? FailedStep { get; init; }
    /// <summary>A readable reason for the failure.</summary>
    public string? Error { get; init; }
    /// <summary>Media type sniffed from the bytes; empty until extraction ran.</summary>
    public string ContentType { get; init; } = "";
    public long SizeBytes { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    /// <summary>The document's chunks (k of n: <see cref="ChunksEmbedded"/> of these while it is embedded).</summary>
    public int ChunkCount { get; init; }
    /// <summary>How many chunks are embedded so far, while <see cref="Stage"/> is <see cref="DocumentStage.Embedding"/>.</summary>
    public int ChunksEmbedded { get; init; }
    public int? PageCount { get; init; }
    /// <summary>The 1-based pages without extracted text ("scanned, needs OCR").</summary>
    public IReadOnlyList<int> PagesWithoutText { get; init; } = [];
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The catalog's record as a client shows it.</summary>
    public static DocumentInfo From(DocumentRecord document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return new DocumentInfo
        {
            Id = document.Id,
            Name = document.Name,
            Index = document.Index,
            Status = document.Status,
            Stage = document.Stage,
            FailedStep = document.FailedStep,
            Error = document.Error,
            ContentType = document.ContentType,
            SizeBytes = document.SizeBytes,
            Tags = document.Tags,
            ChunkCount = document.ChunkCount,
            ChunksEmbedded = document.ChunksEmbedded,
            PageCount = document.PageCount,
            PagesWithoutText = document.PagesWithoutText,
            CreatedAt = document.CreatedAt,
            UpdatedAt = document.UpdatedAt,
        };
    }
}
