using System.Globalization;
using Microsoft.Extensions.Options;

namespace RagStack;

/// <summary>
/// Collects the failures of one options type's validation, each naming the full setting (<c>RagStack:Retrieval:Candidates</c>),
/// its value and the rule, for the <see cref="IValidateOptions{TOptions}"/> of every RagStack options type.
/// </summary>
public sealed class SettingsCheck(string section)
{
    private readonly List<string> _failures = [];

    /// <summary>Records a failure of <paramref name="setting"/> unless <paramref name="ok"/>: "<c>section:setting is value; rule.</c>"</summary>
    public SettingsCheck Require(bool ok, string setting, object? value, string rule)
    {
        if (!ok)
        {
            var shown = value switch
            {
                null or "" => "not set",
                string s => $"'{s}'",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString(),
            };
            _failures.Add($"{section}:{setting} is {shown}; {rule}.");
        }

        return this;
    }

    /// <summary>Records a failure about the section as a whole, or several settings together, unless <paramref name="ok"/>.</summary>
    public SettingsCheck Require(bool ok, string message)
    {
        if (!ok)
        {
            _failures.Add($"{section}: {message}");
        }

        return this;
    }

    /// <summary>Success, or every failure recorded.</summary>
    public ValidateOptionsResult Result => _failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_failures);
}
