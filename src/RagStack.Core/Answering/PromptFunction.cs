using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace RagStack.Answering;

/// <summary>
/// A prompt function in Semantic Kernel's layout (<c>skprompt.txt</c> + <c>config.json</c>), rendered by our own small
/// renderer: <c>&lt;message role="…"&gt;</c> blocks and <c>{{$variable}}</c> only. The template is split into messages
/// before variables are filled in, so a value (retrieved text, a question) can never open or close a message.
/// </summary>
internal sealed partial class PromptFunction
{
    private const string ResourcePrefix = "RagStack.Prompts.";

    private readonly IReadOnlyList<(ChatRole Role, string Template)> _messages;

    private PromptFunction(string name, IReadOnlyList<(ChatRole Role, string Template)> messages, IReadOnlySet<string> variables)
    {
        Name = name;
        _messages = messages;
        Variables = variables;
    }

    /// <summary>The prompt's folder name, e.g. <c>answer</c>.</summary>
    public string Name { get; }

    /// <summary>The input variables config.json declares.</summary>
    public IReadOnlySet<string> Variables { get; }

    /// <summary>Loads prompt <paramref name="name"/> from <paramref name="directory"/>, or from the copy embedded in this assembly when it is null.</summary>
    public static PromptFunction Load(string name, string? directory)
    {
        if (directory is null)
        {
            return Parse(name, ReadResource(name, "skprompt.txt"), ReadResource(name, "config.json"), "embedded prompts");
        }

        var folder = Path.Combine(directory, name);
        var template = Path.Combine(folder, "skprompt.txt");
        var config = Path.Combine(folder, "config.json");
        foreach (var file in new[] { template, config })
        {
            if (!File.Exists(file))
            {
                throw new FileNotFoundException($"The prompt '{name}' is incomplete: {file} does not exist. Restore it, or leave PromptsDirectory unset to use the embedded prompts.", file);
            }
        }

        return Parse(name, File.ReadAllText(template), File.ReadAllText(config), folder);
    }

    /// <summary>Parses a template and its config; <paramref name="origin"/> names where they came from in errors.</summary>
    internal static PromptFunction Parse(string name, string template, string config, string origin)
    {
        var declared = DeclaredVariables(config, origin);
        var messages = new List<(ChatRole, string)>();
        foreach (Match match in MessageBlock().Matches(template))
        {
            // Only the template's own text is XML-decoded, as Semantic Kernel does; values are inserted later, verbatim.
            messages.Add((new ChatRole(match.Groups["role"].Value), WebUtility.HtmlDecode(match.Groups["content"].Value).Trim()));
        }

        if (messages.Count == 0)
        {
            messages.Add((ChatRole.User, WebUtility.HtmlDecode(template).Trim()));
        }

        foreach (var (_, text) in messages)
        {
            foreach (Match variable in Variable().Matches(text))
            {
                if (!declared.Contains(variable.Groups["name"].Value))
                {
                    throw new InvalidDataException($"Prompt '{name}' ({origin}) uses {{{{${variable.Groups["name"].Value}}}}} but config.json does not declare it in input_variables.");
                }
            }
        }

        return new PromptFunction(name, messages, declared);
    }

    /// <summary>
    /// The prompt's messages with <paramref name="values"/> filled in; <paramref name="history"/> goes after the leading
    /// system messages, so earlier turns sit between the instructions and the new question. <paramref name="systemPrompt"/>
    /// (a domain's instructions, from configuration, not from a user) is appended to the first system message, after the
    /// template's own rules, or becomes the first message when the template has none.
    /// </summary>
    public IReadOnlyList<ChatMessage> Render(IReadOnlyDictionary<string, string> values, IReadOnlyList<ChatMessage>? history = null, string? systemPrompt = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        var result = new List<ChatMessage>();
        var extra = string.IsNullOrWhiteSpace(systemPrompt) ? null : systemPrompt.Trim();
        if (extra is not null && !_messages.Any(m => m.Role == ChatRole.System))
        {
            result.Add(new ChatMessage(ChatRole.System, extra));
            extra = null;
        }

        var historyAdded = history is null or { Count: 0 };
        foreach (var (role, template) in _messages)
        {
            if (!historyAdded && role != ChatRole.System)
            {
                result.AddRange(history!);
                historyAdded = true;
            }

            var text = Variable().Replace(template, m => values.TryGetValue(m.Groups["name"].Value, out var value)
                ? value
                : throw new ArgumentException($"Prompt '{Name}' needs a value for ${m.Groups["name"].Value}.", nameof(values)));
            if (extra is not null && role == ChatRole.System)
            {
                text = $"{text}\n\n{extra}";
                extra = null;
            }

            result.Add(new ChatMessage(role, text));
        }

        if (!historyAdded)
        {
            result.AddRange(history!);
        }

        return result;
    }

    private static HashSet<string> DeclaredVariables(string config, string origin)
    {
        try
        {
            using var json = JsonDocument.Parse(config);
            var names = new HashSet<string>(StringComparer.Ordinal);
            if (json.RootElement.TryGetProperty("input_variables", out var variables))
            {
                foreach (var variable in variables.EnumerateArray())
                {
                    names.Add(variable.GetProperty("name").GetString() ?? "");
                }
            }

            return names;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new InvalidDataException($"The prompt config in {origin} is not a valid Semantic Kernel config.json: {e.Message}", e);
        }
    }

    private static string ReadResource(string name, string file)
    {
        var resource = $"{ResourcePrefix}{name}.{file}";
        using var stream = typeof(PromptFunction).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"RagStack.Core was built without its embedded prompt {resource}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex("""<message\s+role\s*=\s*"(?<role>system|user|assistant)"\s*>(?<content>.*?)</message>""", RegexOptions.Singleline)]
    private static partial Regex MessageBlock();

    [GeneratedRegex(@"\{\{\s*\$(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*\}\}")]
    private static partial Regex Variable();
}
