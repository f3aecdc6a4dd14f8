namespace RagStack.Chunks;

/// <summary>
/// One searchable piece of a document: its text, where it came from (page, section path, character span in the
/// document's extracted text) and its embedding. Ids are deterministic: document id + position + content hash.
/// </summary>
public sealed record ChunkRecord
{
    public required string Id { get; init; }
    public required string DocumentId { get; init; }
    public required string Index { get; init; }
    public required string Tenant { get; init; }
    /// <summary>The document's name (file name), for citations.</summary>
    public required string DocumentName { get; init; }
    /// <summary>0-based position of the chunk in its document.</summary>
    public int Position { get; init; }
    public required string Text { get; init; }
    /// <summary>1-based page of the chunk's start, for paged formats.</summary>
    public int? Page { get; init; }
    /// <summary>Headings above the chunk, outermost first.</summary>
    public IReadOnlyList<string> SectionPath { get; init; } = [];
    /// <summary>Start offset (inclusive) of the chunk in the document's extracted text.</summary>
    public int Start { get; init; }
    /// <summary>End offset (exclusive) of the chunk in the document's extracted text.</summary>
    public int End { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    /// <summary>The embedding of the chunk; empty when none was computed.</summary>
    public ReadOnlyMemory<float> Vector { get; init; }

    /// <summary>The section path as one readable string, e.g. "LoRA › Rank".</summary>
    public string Section => string.Join(" › ", SectionPath);
}

/// <summary>A chunk with the score a search gave it (higher is better; the scale depends on the search).</summary>
public sealed record ScoredChunk(ChunkRecord Chunk, double Score);
