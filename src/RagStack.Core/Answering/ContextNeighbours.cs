using RagStack.Chunks;
using RagStack.Retrieval;
using RagStack.Storage;

namespace RagStack.Answering;

/// <summary>
/// Widens retrieved chunks to their context: after each result come the chunks just before and after it in its document,
/// as long as they share its section and page, so the packer can stitch them into one passage whose citation stays exact.
/// </summary>
internal static class ContextNeighbours
{
    /// <summary>The results, each followed by up to <paramref name="neighbours"/> chunks on each side that no earlier entry holds.</summary>
    public static async Task<IReadOnlyList<SearchResult>> AddAsync(
        IChunkStore store, string tenant, string index, IReadOnlyList<SearchResult> results, int neighbours, CancellationToken cancellationToken)
    {
        if (neighbours == 0 || results.Count == 0)
        {
            return results;
        }

        var documents = new Dictionary<string, IReadOnlyList<ChunkRecord>>(StringComparer.Ordinal);
        var seen = new HashSet<string>(results.Select(r => r.Chunk.Id), StringComparer.Ordinal);
        var widened = new List<SearchResult>(results.Count * (1 + (2 * neighbours)));
        foreach (var result in results)
        {
            widened.Add(result);
            var chunk = result.Chunk;
            if (!documents.TryGetValue(chunk.DocumentId, out var chunks))
            {
                chunks = await store.GetDocumentChunksAsync(tenant, index, chunk.DocumentId, cancellationToken);
                documents[chunk.DocumentId] = chunks;
            }

            var at = FindIndex(chunks, chunk.Id);
            if (at < 0)
            {
                continue;
            }

            for (var distance = 1; distance <= neighbours; distance++)
            {
                foreach (var i in new[] { at - distance, at + distance })
                {
                    if (i >= 0 && i < chunks.Count && SameContext(chunk, chunks[i]) && seen.Add(chunks[i].Id))
                    {
                        widened.Add(new SearchResult(chunks[i], result.Score, HybridRetriever.CitationOf(chunks[i])));
                    }
                }
            }
        }

        return widened;
    }

    private static int FindIndex(IReadOnlyList<ChunkRecord> chunks, string id)
    {
        for (var i = 0; i < chunks.Count; i++)
        {
            if (string.Equals(chunks[i].Id, id, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool SameContext(ChunkRecord chunk, ChunkRecord other) =>
        chunk.Page == other.Page && chunk.SectionPath.SequenceEqual(other.SectionPath, StringComparer.Ordinal);
}
