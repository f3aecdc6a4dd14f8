namespace RagStack.Extraction;

/// <summary>
/// Names a document's format from its first bytes, the way extraction will choose its extractor, so an upload can be
/// refused before it is stored.
/// </summary>
public interface IDocumentTypeDetector
{
    /// <summary>How many leading bytes <see cref="Detect"/> looks at; fewer is fine for a shorter document.</summary>
    int HeadLength { get; }

    /// <summary>
    /// The media type the document will be extracted as (e.g. <c>application/pdf</c>). Throws
    /// <see cref="DocumentRejectedException"/> for an empty document or a format no extractor reads, naming what it is.
    /// </summary>
    string Detect(ReadOnlySpan<byte> head, string fileName);
}
