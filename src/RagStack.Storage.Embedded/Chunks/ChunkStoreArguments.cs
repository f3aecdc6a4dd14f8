using RagStack.Chunks;

namespace RagStack.Storage.Embedded.Chunks;

/// <summary>The argument checks of the chunk store's operations, made before any lock is taken or row touched.</summary>
internal static class ChunkStoreArguments
{
    public static void CheckScope(string tenant, string index)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        ArgumentException.ThrowIfNullOrEmpty(index);
    }

    public static void CheckSearch(ChunkFilter filter, int top)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentException.ThrowIfNullOrEmpty(filter.Tenant, nameof(filter));
        ArgumentException.ThrowIfNullOrEmpty(filter.Index, nameof(filter));
        ArgumentOutOfRangeException.ThrowIfNegative(top);
    }

    /// <summary>Checks that every chunk belongs where it is written; returns the vectors' common dimension (0 when none has one).</summary>
    public static int CheckChunks(string tenant, string index, string documentId, IReadOnlyList<ChunkRecord> chunks)
    {
        var dimension = 0;
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in chunks)
        {
            ArgumentNullException.ThrowIfNull(chunk, nameof(chunks));
            if (chunk.Tenant != tenant || chunk.Index != index || chunk.DocumentId != documentId)
            {
                throw new ArgumentException(
                    $"Chunk '{chunk.Id}' belongs to tenant '{chunk.Tenant}', index '{chunk.Index}', document '{chunk.DocumentId}', not to tenant '{tenant}', index '{index}', document '{documentId}' that is being written.",
                    nameof(chunks));
            }

            if (!ids.Add(chunk.Id))
            {
                throw new ArgumentException($"Chunk id '{chunk.Id}' appears twice in one document.", nameof(chunks));
            }

            if (chunk.Vector.IsEmpty)
            {
                continue;
            }

            if (dimension != 0 && chunk.Vector.Length != dimension)
            {
                throw new VectorDimensionMismatchException(index, dimension, chunk.Vector.Length);
            }

            dimension = chunk.Vector.Length;
        }

        return dimension;
    }
}
