using RagStack.Domains;

namespace RagStack.Api.Search;

/// <summary>
/// The index a search reads: its own, else its domain's (a domain without one reads the index named like it), else
/// <c>default</c>. Answering routes the same way inside <c>IAnswerer</c>; search has no answerer, so it routes here.
/// </summary>
internal static class DomainIndex
{
    /// <exception cref="UnknownDomainException">The domain is not configured.</exception>
    public static string Resolve(string? index, string? domain, DomainsOptions domains)
    {
        if (domain is null)
        {
            return index ?? "default";
        }

        if (!domains.TryGetValue(domain, out var options) || options is null)
        {
            throw new UnknownDomainException(domain, domains.Keys);
        }

        var name = domains.Keys.First(k => string.Equals(k, domain, StringComparison.OrdinalIgnoreCase));
        return index ?? options.Index ?? name;
    }
}
