using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using RagStack.Api.Problems;
using RagStack.Api.Tenancy;
using RagStack.Domains;
using RagStack.Retrieval;
using RagStack.Input;

namespace RagStack.Api.Search;

/// <summary>A search: the query, where to look and how to rank.</summary>
/// <param name="Query">What to search for, in plain words.</param>
/// <param name="Index">The index to search; null for the domain's index, else <c>default</c>.</param>
/// <param name="Domain">A configured domain whose index is searched (unless <paramref name="Index"/> is set).</param>
/// <param name="Top">How many chunks to return, 1 to 1000; default 5.</param>
/// <param name="Mode"><c>hybrid</c> (default), <c>dense</c> or <c>keyword</c>.</param>
/// <param name="Tags">Only chunks of documents with one of these tags.</param>
internal sealed record SearchBody(string? Query, string? Index, string? Domain, int? Top, string? Mode, IReadOnlyList<string>? Tags);

/// <summary>The ranked chunks of one search and the index they come from; an index with no documents gives no results.</summary>
internal sealed record SearchResponse(string Index, IReadOnlyList<SearchHit> Results);

/// <summary>One ranked chunk: its rank, fused score, text and citation.</summary>
internal sealed record SearchHit(int Rank, double Score, string ChunkId, string Text, CitationResponse Citation);

/// <summary>Where a chunk comes from: the document, its page (PDFs), its section path and the character span.</summary>
internal sealed record CitationResponse(string DocumentId, string Document, int? Page, string Section, int Start, int End)
{
    public static CitationResponse From(Citation citation) =>
        new(citation.DocumentId, citation.DocumentName, citation.Page, citation.Section, citation.Start, citation.End);
}

/// <summary>Maps <c>POST /search</c>: the best chunks for a query, with citations.</summary>
public static class SearchApi
{
    /// <summary>Maps <c>POST {group}/search</c> on <paramref name="routes"/>.</summary>
    public static RouteGroupBuilder MapSearchApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var group = routes.MapGroup("/search").WithTags("Search");
        group.MapPost("/", SearchAsync)
            .WithName("Search")
            .WithSummary("The best chunks of an index for a query, with their citations.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Ok<SearchResponse>, ProblemHttpResult>> SearchAsync(
        SearchBody body, HttpContext http, IRetriever retriever, IOptions<DomainsOptions> domains, CancellationToken cancellationToken)
    {
        if (Validate(body) is { } problem)
        {
            return problem;
        }

        var index = DomainIndex.Resolve(body.Index, body.Domain, domains.Value);
        var results = await retriever.SearchAsync(new SearchRequest
        {
            Query = body.Query!,
            Index = index,
            Tenant = RequestTenant.Of(http),
            Top = body.Top ?? 5,
            Mode = ParseMode(body.Mode) ?? SearchMode.Hybrid,
            Tags = body.Tags is { Count: > 0 } tags ? tags : null,
        }, cancellationToken);
        return TypedResults.Ok(new SearchResponse(
            index,
            [.. results.Select((r, i) => new SearchHit(i + 1, r.Score, r.Chunk.Id, r.Chunk.Text, CitationResponse.From(r.Citation)))]));
    }

    private static ProblemHttpResult? Validate(SearchBody body) =>
        string.IsNullOrWhiteSpace(body.Query) ? Invalid("The query is empty; send {\"query\": \"what to search for\"}.")
        : body.Top is < 1 or > 1000 ? Invalid("top must be between 1 and 1000.")
        : RequestProblems.InvalidIndex(body.Index) is { } index ? index
        : body.Mode is not null && ParseMode(body.Mode) is null
            ? Invalid($"mode {UntrustedText.Quote(body.Mode, 32)} is not one of {DefinedNames.List<SearchMode>()}; send one of those names.")
        : null;

    private static SearchMode? ParseMode(string? mode) => DefinedNames.TryParse<SearchMode>(mode, out var parsed) ? parsed : null;

    private static ProblemHttpResult Invalid(string detail) => RequestProblems.Invalid(detail);
}
