using RagStack.Answering;

namespace RagStack.Domains;

/// <summary>
/// Where a question goes once its domain is resolved: the index to retrieve from, the adapter (by its name in the
/// generator) and scale to answer with, and the domain's instructions for the prompt.
/// </summary>
internal sealed record DomainRoute(string Index, string? Domain, AnswerAdapter? Adapter, string? SystemPrompt)
{
    /// <summary>The index of a request that names neither an index nor a domain.</summary>
    public const string DefaultIndex = "default";

    /// <summary>
    /// The request's own index, adapter and scale win over its domain's; a domain without an index answers from the index
    /// named like it, and its adapter is the one loaded under its name.
    /// </summary>
    /// <exception cref="UnknownDomainException">The request names a domain that is not configured.</exception>
    public static DomainRoute Resolve(AskRequest request, DomainsOptions domains)
    {
        DomainOptions? domain = null;
        string? domainName = null;
        if (request.Domain is { } requested)
        {
            if (!domains.TryGetValue(requested, out domain) || domain is null)
            {
                throw new UnknownDomainException(requested, domains.Keys);
            }

            // The configured spelling: it is also the adapter's name in the generator.
            domainName = domains.Keys.First(k => string.Equals(k, requested, StringComparison.OrdinalIgnoreCase));
        }

        var index = request.Index ?? domain?.Index ?? domainName ?? DefaultIndex;
        AnswerAdapter? adapter = request.Adapter is { } explicitAdapter
            ? new AnswerAdapter(explicitAdapter, request.AdapterScale ?? 1f)
            : domain?.Adapter is not null
                ? new AnswerAdapter(domainName!, request.AdapterScale ?? domain.AdapterScale)
                : null;
        return new DomainRoute(index, domainName, adapter, domain?.SystemPrompt);
    }
}
