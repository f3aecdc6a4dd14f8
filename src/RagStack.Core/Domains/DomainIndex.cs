namespace RagStack.Domains;

/// <summary>
/// Which index a request reads: its own, else its domain's (a domain without one reads the index named like it), else
/// <c>default</c>. Answering and search both route through here.
/// </summary>
public static class DomainIndex
{
    /// <summary>The index of a request that names neither an index nor a domain.</summary>
    public const string Default = "default";

    /// <summary>
    /// The index a request reads. A named domain must exist even when the request names its own index too, as answering
    /// requires: a misspelt domain is reported, never silently ignored.
    /// </summary>
    /// <exception cref="UnknownDomainException">The domain is not configured.</exception>
    public static string Resolve(string? index, string? domain, DomainsOptions domains)
    {
        var found = Find(domain, domains);
        return index ?? Of(found);
    }

    /// <summary>The configured domain <paramref name="domain"/> names (any case), with its configured spelling; null for no domain.</summary>
    /// <exception cref="UnknownDomainException">The domain is not configured.</exception>
    internal static (string Name, DomainOptions Options)? Find(string? domain, DomainsOptions domains)
    {
        if (domain is null)
        {
            return null;
        }

        if (!domains.TryGetValue(domain, out var options) || options is null)
        {
            throw new UnknownDomainException(domain, domains.Keys);
        }

        // The configured spelling: it is also the adapter's name in the generator.
        return (domains.Keys.First(k => string.Equals(k, domain, StringComparison.OrdinalIgnoreCase)), options);
    }

    /// <summary>The index a found domain (or no domain) reads when the request names none.</summary>
    internal static string Of((string Name, DomainOptions Options)? domain) => domain is { } d ? d.Options.Index ?? d.Name : Default;
}
