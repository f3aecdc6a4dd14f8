using RagStack.Documents;
using RagStack.Storage;

namespace RagStack.Ingestion;

/// <summary>The text an index holds, as its chunks: what an adapter for the index's domain learns from.</summary>
public static class IndexTexts
{
    /// <summary>
    /// The text of every chunk of <paramref name="index"/>'s ready documents, documents by name and chunks by position;
    /// empty when the index has no such chunk.
    /// </summary>
    /// <returns>The texts, and whether the index has any document at all.</returns>
    public static async Task<(IReadOnlyList<string> Texts, bool IndexExists)> ReadAsync(
        IDocumentCatalog catalog, IChunkStore chunks, string tenant, string index, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(chunks);
        var documents = await catalog.ListAsync(tenant, index, cancellationToken);
        var texts = new List<string>();
        foreach (var document in documents.Where(d => d.Status == DocumentStatus.Ready).OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            var documentChunks = await chunks.GetDocumentChunksAsync(tenant, index, document.Id, cancellationToken);
            texts.AddRange(documentChunks.OrderBy(c => c.Position).Select(c => c.Text).Where(t => !string.IsNullOrWhiteSpace(t)));
        }

        return (texts, documents.Count > 0);
    }
}
