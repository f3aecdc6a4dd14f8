namespace RagStack.Storage;

/// <summary>
/// Which chunks a search may see. Applied inside the store before ranking, never after,
/// so a filtered search returns its full top-k and never leaks another tenant's chunks.
/// </summary>
public sealed record ChunkFilter
{
    /// <summary>The tenant whose chunks are searched. Always required.</summary>
    public required string Tenant { get; init; }

    /// <summary>The index (collection) searched. Always required.</summary>
    public required string Index { get; init; }

    /// <summary>When set, only chunks of these documents.</summary>
    public IReadOnlyList<string>? DocumentIds { get; init; }

    /// <summary>When set, only chunks carrying at least one of these tags.</summary>
    public IReadOnlyList<string>? Tags { get; init; }
}
