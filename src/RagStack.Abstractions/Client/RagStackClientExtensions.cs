using RagStack.Documents;

namespace RagStack;

/// <summary>Conveniences over any <see cref="IRagStackClient"/>.</summary>
public static class RagStackClientExtensions
{
    /// <summary>
    /// Polls a document's status every <paramref name="pollInterval"/> (default 250 ms) until it is ready or failed, and
    /// returns it. Throws <see cref="InvalidOperationException"/> when the document disappears (deleted meanwhile).
    /// Bound the wait with <paramref name="cancellationToken"/>.
    /// </summary>
    public static async Task<DocumentInfo> WaitForDocumentAsync(
        this IRagStackClient client, string index, string documentId, TimeSpan? pollInterval = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var interval = pollInterval ?? TimeSpan.FromMilliseconds(250);
        while (true)
        {
            var document = await client.GetDocumentAsync(index, documentId, cancellationToken)
                ?? throw new InvalidOperationException($"Index '{index}' has no document '{documentId}' any more; it was deleted while its ingestion was awaited.");
            if (document.Status is DocumentStatus.Ready or DocumentStatus.Failed)
            {
                return document;
            }

            await Task.Delay(interval, cancellationToken);
        }
    }
}
