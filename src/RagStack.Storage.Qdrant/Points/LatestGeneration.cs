namespace RagStack.Storage.Qdrant.Points;

/// <summary>
/// Hides a replacement in progress. A document is replaced by writing its new points (a newer generation) before the
/// old ones are deleted, so for a moment Qdrant holds both; a read keeps, per document, only the newest generation it
/// saw, and so sees the old set or the new one, never a mix, and never nothing.
/// </summary>
internal static class LatestGeneration
{
    /// <summary>The items whose generation is the newest among the items of their document, in their order.</summary>
    public static List<T> Keep<T>(IReadOnlyList<T> items, Func<T, string> document, Func<T, long> generation)
    {
        var newest = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var key = document(item);
            newest[key] = Math.Max(newest.GetValueOrDefault(key, long.MinValue), generation(item));
        }

        return items.Where(item => generation(item) == newest[document(item)]).ToList();
    }
}
