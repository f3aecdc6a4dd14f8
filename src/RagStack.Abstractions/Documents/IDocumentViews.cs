namespace RagStack.Documents;

/// <summary>A document's extracted text with its page, section and chunk spans, for a viewer.</summary>
public interface IDocumentContentReader
{
    /// <summary>
    /// The tenant's document <paramref name="documentId"/> of <paramref name="index"/> with its text, extracted again from
    /// the stored original; null when there is no such document. A document whose original cannot be read or extracted
    /// (a failed one) has empty text; its <see cref="DocumentInfo.Error"/> says why.
    /// </summary>
    Task<DocumentContent?> ReadAsync(string tenant, string index, string documentId, CancellationToken cancellationToken = default);
}

/// <summary>Follows the documents of an index as the pipeline moves them on.</summary>
public interface IDocumentWatcher
{
    /// <summary>
    /// Each of the tenant's documents of <paramref name="index"/> as it is (<see cref="DocumentChangeKind.Existing"/>), then
    /// every change to them (from any process writing the same catalog) until <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    IAsyncEnumerable<DocumentChange> WatchAsync(string tenant, string index, CancellationToken cancellationToken = default);
}
