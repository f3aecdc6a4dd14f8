using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace RagStack;

/// <summary>
/// Refuses, by name, every key under <c>RagStack</c> that lies in no section of <see cref="RagStackSections"/>: a
/// misspelt section (<c>RagStack:Retreival</c>) fails the start instead of silently changing nothing. Keys inside a
/// section are checked by that section's own options type when a host registers it.
/// </summary>
internal sealed class RagStackOptionsValidator(IConfiguration configuration) : IValidateOptions<RagStackOptions>
{
    public ValidateOptionsResult Validate(string? name, RagStackOptions options)
    {
        var failures = Unknown(configuration.GetSection(RagStackSections.Root)).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static IEnumerable<string> Unknown(IConfigurationSection node)
    {
        foreach (var child in node.GetChildren())
        {
            var path = child.Path;
            if (RagStackSections.All.Any(s => s.Equals(path, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            if (RagStackSections.All.Any(s => s.StartsWith(path + ":", StringComparison.OrdinalIgnoreCase)))
            {
                foreach (var failure in Unknown(child))
                {
                    yield return failure;
                }

                continue;
            }

            yield return $"{path} is not a RagStack setting; the sections are {string.Join(", ", RagStackSections.All)}.";
        }
    }
}
