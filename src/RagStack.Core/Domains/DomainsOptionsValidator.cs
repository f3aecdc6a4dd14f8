using Microsoft.Extensions.Options;
using RagStack.Documents;

namespace RagStack.Domains;

/// <summary>Checks <c>RagStack:Domains</c> at start; each failure names the domain and the setting to fix.</summary>
internal sealed class DomainsOptionsValidator : IValidateOptions<DomainsOptions>
{
    public ValidateOptionsResult Validate(string? name, DomainsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var (domain, settings) in options)
        {
            failures.AddRange(Failures(domain, settings));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static IEnumerable<string> Failures(string domain, DomainOptions? settings)
    {
        var where = $"RagStack:Domains:{domain}";
        if (string.IsNullOrWhiteSpace(domain) || domain.Trim() != domain)
        {
            yield return $"{where}: a domain name may not be empty or start or end with spaces.";
        }

        // Domain adapters are loaded into the generator under the domain's name, and adapter names may not contain '@'.
        if (domain.Contains('@', StringComparison.Ordinal))
        {
            yield return $"{where}: a domain name may not contain '@'.";
        }

        if (settings is null)
        {
            yield return $"{where} has no settings; give it at least an Index.";
            yield break;
        }

        if (settings.Index is { } index && string.IsNullOrWhiteSpace(index))
        {
            yield return $"{where}:Index is empty; remove it to use the index named '{domain}'.";
        }
        else if (settings.Index is { } named && IndexName.Problem(named) is { } problem)
        {
            yield return $"{where}:Index {problem}.";
        }

        if (settings.Adapter is { } adapter && string.IsNullOrWhiteSpace(adapter))
        {
            yield return $"{where}:Adapter is empty; remove it to answer with the base model.";
        }

        if (!float.IsFinite(settings.AdapterScale) || settings.AdapterScale is < 0 or > 4)
        {
            yield return $"{where}:AdapterScale is {settings.AdapterScale}; it must be between 0 (the base model) and 4 (1 applies the adapter as trained).";
        }

        if (settings.SystemPrompt is { } prompt && string.IsNullOrWhiteSpace(prompt))
        {
            yield return $"{where}:SystemPrompt is empty; remove it for none.";
        }
    }
}
