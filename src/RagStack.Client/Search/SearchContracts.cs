using RagStack.Chunks;
using RagStack.Retrieval;

namespace RagStack.Client.Search;

/// <summary>The body of <c>POST /api/search</c>.</summary>
internal sealed record SearchBody(string Query, string Index, int Top, SearchMode Mode, IReadOnlyList<string>? Tags);

/// <summary>The ranked chunks of one search.</summary>
internal sealed record SearchResponse(string Index, IReadOnlyList<SearchHit> Results)
{
    /// <summary>The hits as search results; a remote chunk carries no vector, and its tenant is the API key's, not shown.</summary>
    public IReadOnlyList<SearchResult> ToResults() =>
        [.. Results.Select(hit => new SearchResult(
            new ChunkRecord
            {
                Id = hit.ChunkId,
                DocumentId = hit.Citation.DocumentId,
                Index = Index,
                Tenant = "",
                DocumentName = hit.Citation.Document,
                Text = hit.Text,
                Page = hit.Citation.Page,
                SectionPath = hit.Citation.Section.Length > 0 ? hit.Citation.Section.Split(" › ") : [],
                Start = hit.Citation.Start,
                End = hit.Citation.End,
            },
            hit.Score,
            hit.Citation.ToCitation()))];
}

/// <summary>One ranked chunk.</summary>
internal sealed record SearchHit(int Rank, double Score, string ChunkId, string Text, CitationBody Citation);

/// <summary>Where a chunk comes from, as the API writes it.</summary>
internal sealed record CitationBody(string DocumentId, string Document, int? Page, string Section, int Start, int End)
{
    public Citation ToCitation() => new(DocumentId, Document, Page, Section, Start, End);
}
