using RagStack.Chunks;

namespace RagStack.Retrieval;

/// <summary>How a search ranks chunks.</summary>
public enum SearchMode
{
    /// <summary>Dense and keyword rankings fused by reciprocal rank.</summary>
    Hybrid,
    /// <summary>Vector similarity alone.</summary>
    Dense,
    /// <summary>BM25 alone.</summary>
    Keyword,
}

/// <summary>A question to retrieve chunks for, with its filters.</summary>
public sealed record SearchRequest
{
    public required string Query { get; init; }
    public string Index { get; init; } = "default";
    public string Tenant { get; init; } = "local";
    public int Top { get; init; } = 5;
    public SearchMode Mode { get; init; } = SearchMode.Hybrid;
    public IReadOnlyList<string>? DocumentIds { get; init; }
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>
    /// The query's embedding when the caller has it already (e.g. to measure relevance); empty to let the retriever embed
    /// <see cref="Query"/>. It must come from the index's embedding model, with the query purpose.
    /// </summary>
    public ReadOnlyMemory<float> QueryVector { get; init; }
}

/// <summary>Where a retrieved chunk comes from, for a citation.</summary>
public sealed record Citation(string DocumentId, string DocumentName, int? Page, string Section, int Start, int End)
{
    /// <summary>Readable form, e.g. "lora.pdf, p. 3, LoRA › Rank".</summary>
    public override string ToString()
    {
        var parts = new List<string> { DocumentName };
        if (Page is { } page)
        {
            parts.Add($"p. {page}");
        }

        if (Section.Length > 0)
        {
            parts.Add(Section);
        }

        return string.Join(", ", parts);
    }
}

/// <summary>One ranked result: the chunk, its fused score, and its citation.</summary>
public sealed record SearchResult(ChunkRecord Chunk, double Score, Citation Citation);

/// <summary>Finds the chunks that best answer a query.</summary>
public interface IRetriever
{
    Task<IReadOnlyList<SearchResult>> SearchAsync(SearchRequest request, CancellationToken cancellationToken = default);
}
