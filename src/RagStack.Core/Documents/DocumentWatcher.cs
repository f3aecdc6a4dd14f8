using System.Runtime.CompilerServices;

namespace RagStack.Documents;

/// <summary>
/// Watches an index by reading the catalog every <see cref="PollInterval"/> and reporting what differs: the catalog is
/// the one truth every writer (this process's worker, a CLI ingesting into the same data folder) goes through, and a read
/// of one index's records is cheap.
/// </summary>
internal sealed class DocumentWatcher(IDocumentCatalog catalog, TimeProvider time) : IDocumentWatcher
{
    /// <summary>How often the catalog is read; a change shows within this.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public async IAsyncEnumerable<DocumentChange> WatchAsync(string tenant, string index, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        ArgumentException.ThrowIfNullOrEmpty(index);
        var known = new Dictionary<string, DocumentRecord>(StringComparer.Ordinal);
        foreach (var document in await catalog.ListAsync(tenant, index, cancellationToken))
        {
            known[document.Id] = document;
            yield return new DocumentChange(DocumentChangeKind.Existing, DocumentInfo.From(document));
        }

        while (true)
        {
            await Task.Delay(PollInterval, time, cancellationToken);
            var now = await catalog.ListAsync(tenant, index, cancellationToken);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var document in now)
            {
                seen.Add(document.Id);
                if (!known.TryGetValue(document.Id, out var before) || !Same(before, document))
                {
                    known[document.Id] = document;
                    yield return new DocumentChange(DocumentChangeKind.Changed, DocumentInfo.From(document));
                }
            }

            foreach (var gone in known.Keys.Where(id => !seen.Contains(id)).ToList())
            {
                var last = known[gone];
                known.Remove(gone);
                yield return new DocumentChange(DocumentChangeKind.Deleted, DocumentInfo.From(last));
            }
        }
    }

    /// <summary>Equal in everything a portal shows; the lists are compared by their items.</summary>
    private static bool Same(DocumentRecord a, DocumentRecord b) =>
        a with { Tags = [], PagesWithoutText = [] } == b with { Tags = [], PagesWithoutText = [] }
        && a.Tags.SequenceEqual(b.Tags, StringComparer.Ordinal)
        && a.PagesWithoutText.SequenceEqual(b.PagesWithoutText);
}
