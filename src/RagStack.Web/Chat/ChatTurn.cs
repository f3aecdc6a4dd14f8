using RagStack.Answering;
using RagStack.Conversations;

namespace RagStack.Web.Chat;

/// <summary>One message as the chat shows it: a question, or an answer while it streams and once it is stored.</summary>
public sealed class ChatTurn
{
    public required ConversationRole Role { get; init; }

    /// <summary>The stored message's id; null while an answer streams.</summary>
    public string? Id { get; set; }

    /// <summary>The Markdown written so far (questions: the question as typed).</summary>
    public string Text { get; set; } = "";

    /// <summary>The answer's safe HTML with citation chips; empty for questions (shown as text).</summary>
    public string Html { get; set; } = "";

    public IReadOnlyList<AnswerSource> Sources { get; set; } = [];

    /// <summary>The images of the message, in order.</summary>
    public IReadOnlyList<ImagePart> Images { get; set; } = [];

    public string? Index { get; set; }

    public string? SearchedFor { get; set; }

    public string? Notice { get; set; }

    /// <summary>Why the answer is missing or short (failed, stopped), with the API's problem detail.</summary>
    public string? Error { get; set; }

    public AnswerKind? Kind { get; set; }

    /// <summary>True while tokens are arriving.</summary>
    public bool Streaming { get; set; }

    /// <summary>The retrieval step while it runs ("Searching genai…", then "8 passages").</summary>
    public string? Step { get; set; }

    /// <summary>The sources the answer's text cites, in the order first cited.</summary>
    public IReadOnlyList<AnswerSource> CitedSources =>
        [.. Markdown.AnswerMarkup.CitedNumbers(Text).Select(n => Sources.FirstOrDefault(s => s.Number == n)).OfType<AnswerSource>()];
}
