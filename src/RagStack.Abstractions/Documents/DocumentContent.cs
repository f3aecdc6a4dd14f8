namespace RagStack.Documents;

/// <summary>
/// A document's extracted text as a viewer shows it: the text, where each page and section lies in it, and the span of
/// every chunk (so a citation's passage can be highlighted and its neighbours shown).
/// </summary>
/// <param name="Document">The document.</param>
/// <param name="Text">The extracted text, blocks joined by a blank line; untrusted: show it as text, never as HTML.</param>
/// <param name="Pages">The pages of a paged format (PDF), in order; empty for others.</param>
/// <param name="Sections">The headings in reading order, each with the span of its section (up to the next heading of its level or above).</param>
/// <param name="Chunks">The document's chunks by position, each with its span.</param>
public sealed record DocumentContent(
    DocumentInfo Document, string Text, IReadOnlyList<PageSpan> Pages, IReadOnlyList<SectionSpan> Sections, IReadOnlyList<ChunkSpan> Chunks);

/// <summary>One page's text in <see cref="DocumentContent.Text"/>: the 1-based page, its first character and its length.</summary>
public sealed record PageSpan(int Page, int Start, int Length);

/// <summary>One section: its heading's path (outermost first, joined by " › "), its heading level (1-6), its heading's text and the span from the heading to the section's end.</summary>
public sealed record SectionSpan(string Path, int Level, string Heading, int Start, int Length);

/// <summary>One chunk in <see cref="DocumentContent.Text"/>: its id, its position in the document, its span, and its page and section.</summary>
public sealed record ChunkSpan(string ChunkId, int Position, int Start, int Length, int? Page, string Section);

/// <summary>What happened to a document, as <c>WatchDocumentsAsync</c> reports it.</summary>
public enum DocumentChangeKind
{
    /// <summary>The document as it was when watching began (one for each, first).</summary>
    Existing,
    /// <summary>The document was added or its state changed.</summary>
    Changed,
    /// <summary>The document was removed; <see cref="DocumentChange.Document"/> is its last known state.</summary>
    Deleted,
}

/// <summary>One document's state, or its removal, while an index is watched.</summary>
public sealed record DocumentChange(DocumentChangeKind Kind, DocumentInfo Document);

/// <summary>A document's original file, opened for reading; dispose it to close the stream.</summary>
/// <param name="Content">The bytes as they were uploaded.</param>
/// <param name="ContentType">Their media type as sniffed at ingestion (<c>application/octet-stream</c> when unknown); never render it as a page.</param>
/// <param name="FileName">The document's name.</param>
public sealed record DocumentOriginal(Stream Content, string ContentType, string FileName) : IAsyncDisposable
{
    /// <inheritdoc />
    public ValueTask DisposeAsync() => Content.DisposeAsync();
}
