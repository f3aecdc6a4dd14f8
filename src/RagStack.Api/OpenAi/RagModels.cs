using Microsoft.AspNetCore.Http;
using RagStack.Documents;
using RagStack.Domains;
using RagStack.OpenAi.Errors;

namespace RagStack.Api.OpenAi;

/// <summary>
/// The model ids of the RAG service: each configured domain, and each index the tenant has documents in. A domain and an
/// index of the same name are one model, the domain: its index, adapter and instructions apply.
/// </summary>
internal static class RagModels
{
    /// <summary>The header that names the index to answer from, whatever the model id.</summary>
    public const string IndexHeader = "X-RagStack-Index";

    /// <summary>The domains, then the tenant's other indexes, each once, in name order.</summary>
    public static async Task<IReadOnlyList<string>> ListAsync(IDocumentCatalog catalog, DomainsOptions domains, string tenant, CancellationToken cancellationToken)
    {
        var indexes = await IndexesAsync(catalog, tenant, cancellationToken);
        return
        [
            .. domains.Keys.Order(StringComparer.OrdinalIgnoreCase),
            .. indexes.Where(index => !domains.ContainsKey(index)).Order(StringComparer.Ordinal),
        ];
    }

    /// <summary>
    /// The domain and index a request answers from: the header's index when it has one (with the model's domain, if the
    /// model names one), else the domain or index the model names. A 404 in OpenAI's shape when neither exists.
    /// </summary>
    public static async Task<(string? Domain, string? Index, IResult? Error)> ResolveAsync(
        string model, HttpRequest http, IDocumentCatalog catalog, DomainsOptions domains, string tenant, CancellationToken cancellationToken)
    {
        var domain = DomainNamed(model, domains);
        var header = http.Headers[IndexHeader].ToString();
        if (header.Length > 0)
        {
            if (IndexName.Problem(header) is { } problem)
            {
                return (null, null, OpenAiError.InvalidRequest($"{IndexHeader} {problem}.", IndexHeader));
            }

            return (await IndexesAsync(catalog, tenant, cancellationToken)).Contains(header)
                ? (domain, header, null)
                : (null, null, OpenAiError.Result(StatusCodes.Status404NotFound, $"The index '{header}' named by {IndexHeader} has no documents.", "invalid_request_error", null, "index_not_found"));
        }

        if (domain is not null)
        {
            return (domain, null, null);
        }

        if (IndexName.Problem(model) is { } invalid)
        {
            return (null, null, OpenAiError.InvalidRequest($"The model is neither a configured domain nor an index name: {invalid}.", "model"));
        }

        if ((await IndexesAsync(catalog, tenant, cancellationToken)).Contains(model))
        {
            return (null, model, null);
        }

        var known = await ListAsync(catalog, domains, tenant, cancellationToken);
        return (null, null, OpenAiError.ModelNotFound(
            $"The model '{model}' is neither a configured domain nor an index with documents; the models are: {(known.Count == 0 ? "none (ingest documents first)" : string.Join(", ", known))}."));
    }

    /// <summary>The configured spelling of the domain <paramref name="model"/> names (any case); null when it names none.</summary>
    private static string? DomainNamed(string model, DomainsOptions domains) =>
        domains.Keys.FirstOrDefault(k => string.Equals(k, model, StringComparison.OrdinalIgnoreCase));

    private static async Task<HashSet<string>> IndexesAsync(IDocumentCatalog catalog, string tenant, CancellationToken cancellationToken) =>
        [.. (await catalog.ListAsync(tenant, cancellationToken: cancellationToken)).Select(d => d.Index)];
}
