using RagStack.Input;

namespace RagStack.Domains;

/// <summary>A request named a domain that is not configured under <c>RagStack:Domains</c>.</summary>
public sealed class UnknownDomainException : KeyNotFoundException
{
    public UnknownDomainException(string domain, IEnumerable<string> known)
        : base(Describe(domain, known))
    {
        Domain = domain;
    }

    /// <summary>The domain the request named.</summary>
    public string Domain { get; }

    private static string Describe(string domain, IEnumerable<string> known)
    {
        var names = known.Order(StringComparer.OrdinalIgnoreCase).ToList();
        return $"No domain named '{UntrustedText.Escape(domain, 64)}' is configured (configured: {(names.Count == 0 ? "none; add one under RagStack:Domains" : string.Join(", ", names))}).";
    }
}
