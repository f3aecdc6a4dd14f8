using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using LLama;
using LLama.Native;
using Microsoft.Extensions.AI;
using RagStack.Models.Gguf;

namespace RagStack.LlamaSharp.Chat;

/// <summary>
/// Turns chat messages into the model's prompt text with its own chat template (from the GGUF metadata, applied by
/// llama.cpp), or with RagStack's plain-text transcript for models that carry no template.
/// </summary>
/// <remarks>
/// The fallback is a transcript of "System:", "User:" and "Assistant:" turns separated by blank lines, ending with
/// "Assistant:". Base models have no role tokens to learn from, and a transcript is the shape most of their training text
/// has; its stop sequence "\nUser:" ends the reply where the model would start writing the user's next turn.
/// </remarks>
internal sealed partial class ChatPromptFormatter
{
    /// <summary>The stop sequences the plain-text transcript needs; none for a real template, which ends turns with a token.</summary>
    public static readonly IReadOnlyList<string> TranscriptStops = ["\nUser:", "\nSystem:"];

    private readonly SafeLlamaModelHandle _model;
    private readonly string? _templateName;

    private ChatPromptFormatter(SafeLlamaModelHandle model, string? templateName, string description)
    {
        _model = model;
        _templateName = templateName;
        Description = description;
    }

    /// <summary>Which template is in use, for logs and <c>models inspect</c>.</summary>
    public string Description { get; }

    /// <summary>True when the model carries no template (or one llama.cpp cannot apply) and the transcript is used.</summary>
    public bool UsesTranscript => _templateName is null && Description.StartsWith("transcript", StringComparison.Ordinal);

    /// <summary>Chooses the template: an explicit built-in name, else the model's own, else the transcript.</summary>
    public static ChatPromptFormatter Create(SafeLlamaModelHandle model, string modelPath, string? templateOverride)
    {
        if (templateOverride is not null)
        {
            var forced = new ChatPromptFormatter(model, templateOverride, $"built-in '{templateOverride}'");
            forced.Format([new ChatMessage(ChatRole.User, "probe")]);
            return forced;
        }

        // Read from the file with our own GGUF reader: LLamaSharp's MetadataValueByKey sometimes returned nothing while other
        // models were loading on other threads, which silently switched a templated model to the transcript.
        if (!GgufFile.Read(modelPath).Metadata.TryGetValue("tokenizer.chat_template", out var template) || template.Type != GgufValueType.String || template.AsString().Length == 0)
        {
            return new ChatPromptFormatter(model, null, "transcript (the model has no chat template)");
        }

        var own = new ChatPromptFormatter(model, "", "the model's own (GGUF tokenizer.chat_template)");
        try
        {
            own.Format([new ChatMessage(ChatRole.System, "probe"), new ChatMessage(ChatRole.User, "probe")]);
            return own;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // llama.cpp applies the templates it recognises; a Jinja template it does not know fails here, at load, rather
            // than on a user's first request.
            return new ChatPromptFormatter(model, null, "transcript (llama.cpp does not support the model's chat template)");
        }
    }

    /// <summary>The prompt text for <paramref name="messages"/>, ending where the assistant's reply begins.</summary>
    public string Format(IEnumerable<ChatMessage> messages) => string.Concat(FormatParts(messages).Select(p => p.Text));

    /// <summary>
    /// The prompt for <paramref name="messages"/> as the template's own text and the messages' text, each marked, so the
    /// tokenizer can let only the template's markers become control tokens.
    /// </summary>
    /// <remarks>
    /// The template is applied to placeholders (private-use characters no template alters), not to the messages: searching
    /// the applied prompt for a message's text would mistake a message that is exactly a marker for the template's marker.
    /// A placeholder keeps its message's surrounding whitespace, so a template that trims content trims it as it would the text.
    /// </remarks>
    public IReadOnlyList<PromptPart> FormatParts(IEnumerable<ChatMessage> messages)
    {
        var list = messages.ToList();
        if (_templateName is null)
        {
            return FormatTranscript(list);
        }

        var template = _templateName.Length == 0 ? new LLamaTemplate(_model, name: null, strict: true) : new LLamaTemplate(_templateName);
        template.AddAssistant = true;
        for (var i = 0; i < list.Count; i++)
        {
            var text = list[i].Text;
            var body = text.Trim();
            var lead = text[..text.IndexOf(body, StringComparison.Ordinal)];
            template.Add(list[i].Role.Value, lead + Placeholder(i) + text[(lead.Length + body.Length)..]);
        }

        var applied = Encoding.UTF8.GetString(template.Apply());
        var parts = new List<PromptPart>();
        var start = 0;
        foreach (Match placeholder in PlaceholderPattern().Matches(applied))
        {
            parts.Add(new PromptPart(applied[start..placeholder.Index], FromTemplate: true));
            var message = int.Parse(placeholder.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
            parts.Add(new PromptPart(list[message].Text.Trim(), FromTemplate: false));
            start = placeholder.Index + placeholder.Length;
        }

        parts.Add(new PromptPart(applied[start..], FromTemplate: true));
        return [.. parts.Where(p => p.Text.Length > 0)];
    }

    private static string Placeholder(int message) => string.Create(CultureInfo.InvariantCulture, $"\uE000{message}\uE001");

    [GeneratedRegex("\uE000([0-9]+)\uE001")]
    private static partial Regex PlaceholderPattern();

    private static List<PromptPart> FormatTranscript(List<ChatMessage> messages)
    {
        // The transcript has no markers of its own: all of it is text.
        var text = new StringBuilder();
        foreach (var message in messages)
        {
            var speaker = message.Role == ChatRole.System ? "System"
                : message.Role == ChatRole.Assistant ? "Assistant"
                : message.Role == ChatRole.Tool ? "Tool"
                : "User";
            text.Append(speaker).Append(": ").Append(message.Text.Trim()).Append("\n\n");
        }

        return [new PromptPart(text.Append("Assistant:").ToString(), FromTemplate: false)];
    }
}

/// <summary>A stretch of a prompt: the chat template's own text (its markers may be control tokens), or a message's text (never).</summary>
internal sealed record PromptPart(string Text, bool FromTemplate);
