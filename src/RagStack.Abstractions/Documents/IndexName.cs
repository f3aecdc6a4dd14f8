using RagStack.Input;

namespace RagStack.Documents;

/// <summary>
/// What an index may be called, checked wherever a name enters (the API's search, ask, chat <c>model</c> and
/// <c>X-RagStack-Index</c>, uploads, the CLI): plain ASCII names, so a name can never reach outside its place
/// (<c>../x</c>), carry a line break into a log, or be echoed back at length.
/// </summary>
public static class IndexName
{
    /// <summary>The longest index name.</summary>
    public const int MaxLength = 64;

    /// <summary>The rule, as messages state it.</summary>
    public const string Rule = "an index name is 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit";

    /// <summary>True when <paramref name="name"/> follows the rule.</summary>
    public static bool IsValid(string? name) =>
        name is { Length: > 0 and <= MaxLength } && char.IsAsciiLetterOrDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>Why <paramref name="name"/> is not a valid index name (the name quoted safely, then the rule); null when it is.</summary>
    public static string? Problem(string? name) => IsValid(name) ? null : $"{UntrustedText.Quote(name, MaxLength)}: {Rule}";
}
