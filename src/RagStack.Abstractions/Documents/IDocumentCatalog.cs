namespace RagStack.Documents;

/// <summary>
/// The durable record of documents and their pipeline status. It is the source of truth for what exists;
/// chunk indexes are derived from it and from the blob store.
/// </summary>
public interface IDocumentCatalog
{
    Task<DocumentRecord?> GetAsync(string tenant, string documentId, CancellationToken cancellationToken = default);

    /// <summary>Lists a tenant's documents, optionally of one index, ordered by name.</summary>
    Task<IReadOnlyList<DocumentRecord>> ListAsync(string tenant, string? index = null, CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces the record with the same tenant and id.</summary>
    Task UpsertAsync(DocumentRecord document, CancellationToken cancellationToken = default);

    /// <summary>True when any document of any tenant still has these original bytes, so the shared blob must be kept.</summary>
    Task<bool> IsContentReferencedAsync(string contentHash, CancellationToken cancellationToken = default);

    /// <summary>Removes the record; returns false when it did not exist.</summary>
    Task<bool> DeleteAsync(string tenant, string documentId, CancellationToken cancellationToken = default);
}
