using RagStack.Chunks;

namespace RagStack.Storage;

/// <summary>
/// Chunks with their vectors and keyword index, shaped after Microsoft.Extensions.VectorData's collections
/// (upsert, get, delete by key, vector search with a filter) plus keyword search, so the embedded store and
/// Qdrant pass one conformance suite. Every call is confined to the tenant and index it names.
/// </summary>
public interface IChunkStore : IAsyncDisposable
{
    /// <summary>
    /// Replaces all chunks of one document with <paramref name="chunks"/> in one logical write: a search sees
    /// either the old set or the new one, and a crash leaves one of them. An empty list removes the document's chunks.
    /// </summary>
    Task ReplaceDocumentChunksAsync(string tenant, string index, string documentId, IReadOnlyList<ChunkRecord> chunks, CancellationToken cancellationToken = default);

    /// <summary>Removes all chunks of one document; returns how many were removed.</summary>
    Task<int> DeleteDocumentChunksAsync(string tenant, string index, string documentId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The chunks with these ids (those that exist), in the given order. A chunk's vector comes back in its direction; a
    /// store that searches by cosine may keep it scaled to unit length (Qdrant does).
    /// </summary>
    Task<IReadOnlyList<ChunkRecord>> GetAsync(string tenant, string index, IReadOnlyList<string> ids, CancellationToken cancellationToken = default);

    /// <summary>All chunks of one document ordered by position.</summary>
    Task<IReadOnlyList<ChunkRecord>> GetDocumentChunksAsync(string tenant, string index, string documentId, CancellationToken cancellationToken = default);

    /// <summary>The <paramref name="top"/> chunks nearest to <paramref name="vector"/> by cosine similarity (score = similarity).</summary>
    Task<IReadOnlyList<ScoredChunk>> VectorSearchAsync(ReadOnlyMemory<float> vector, ChunkFilter filter, int top, CancellationToken cancellationToken = default);

    /// <summary>The <paramref name="top"/> chunks best matching <paramref name="query"/> by BM25 (score = BM25).</summary>
    Task<IReadOnlyList<ScoredChunk>> KeywordSearchAsync(string query, ChunkFilter filter, int top, CancellationToken cancellationToken = default);

    /// <summary>How many chunks the index holds for the tenant.</summary>
    Task<long> CountAsync(string tenant, string index, CancellationToken cancellationToken = default);
}
