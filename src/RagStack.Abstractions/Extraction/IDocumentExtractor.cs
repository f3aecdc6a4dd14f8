namespace RagStack.Extraction;

/// <summary>Turns the bytes of one format into text blocks. Chosen by sniffed magic bytes, never by file name.</summary>
public interface IDocumentExtractor
{
    /// <summary>The media type this extractor reads, e.g. <c>text/markdown</c>.</summary>
    string ContentType { get; }

    /// <summary>
    /// True when the first bytes of a document (at most 8 KiB) look like this extractor's format.
    /// <paramref name="fileName"/> may break ties between text formats (Markdown vs plain text), never override the bytes.
    /// </summary>
    bool CanExtract(ReadOnlySpan<byte> head, string? fileName);

    /// <summary>
    /// Extracts the document. Throws <see cref="DocumentRejectedException"/> for input it cannot or will not read.
    /// </summary>
    Task<ExtractedDocument> ExtractAsync(ReadOnlyMemory<byte> content, ExtractionOptions options, CancellationToken cancellationToken = default);
}

/// <summary>Limits and secrets for one extraction.</summary>
public sealed record ExtractionOptions
{
    /// <summary>Largest input accepted, in bytes.</summary>
    public long MaxBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Largest total decompressed size of an Office package (zip bomb guard).</summary>
    public long MaxDecompressedBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Most entries an Office package may hold.</summary>
    public int MaxArchiveEntries { get; init; } = 10_000;

    /// <summary>Most characters of text kept from one document.</summary>
    public int MaxCharacters { get; init; } = 20_000_000;

    /// <summary>Wall-clock limit for extracting one document.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Passwords to try on encrypted PDFs.</summary>
    public IReadOnlyList<string> PdfPasswords { get; init; } = [];
}
