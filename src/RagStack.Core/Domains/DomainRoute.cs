using RagStack.Answering;

namespace RagStack.Domains;

/// <summary>
/// Where a question goes once its domain is resolved: the index to retrieve from, the adapter (by its name in the
/// generator) and scale to answer with, and the domain's instructions for the prompt.
/// </summary>
internal sealed record DomainRoute(string Index, string? Domain, AnswerAdapter? Adapter, string? SystemPrompt)
{
    /// <summary>
    /// The request's own index, adapter and scale win over its domain's; a domain without an index answers from the index
    /// named like it, and its adapter is the one loaded under its name.
    /// </summary>
    /// <exception cref="UnknownDomainException">The request names a domain that is not configured.</exception>
    public static DomainRoute Resolve(AskRequest request, DomainsOptions domains)
    {
        var found = DomainIndex.Find(request.Domain, domains);
        var index = request.Index ?? DomainIndex.Of(found);
        AnswerAdapter? adapter = request.Adapter is { } explicitAdapter
            ? new AnswerAdapter(explicitAdapter, request.AdapterScale ?? 1f)
            : found is { Options.Adapter: not null } domain
                ? new AnswerAdapter(domain.Name, request.AdapterScale ?? domain.Options.AdapterScale)
                : null;
        return new DomainRoute(index, found?.Name, adapter, found?.Options.SystemPrompt);
    }
}
