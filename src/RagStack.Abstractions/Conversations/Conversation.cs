using System.Text.Json.Serialization;
using RagStack.Answering;

namespace RagStack.Conversations;

/// <summary>Who wrote a message of a conversation.</summary>
public enum ConversationRole
{
    /// <summary>The person asking.</summary>
    User,
    /// <summary>RagStack's answer.</summary>
    Assistant,
}

/// <summary>One piece of a message: text, or an image (which the image plugin will produce).</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(TextPart), "text")]
[JsonDerivedType(typeof(ImagePart), "image")]
public abstract record MessagePart;

/// <summary>Text of a message; an answer's text holds its <c>[n]</c> citations. It is Markdown from a model or a document: never trust it as HTML.</summary>
/// <param name="Text">The text.</param>
public sealed record TextPart(string Text) : MessagePart;

/// <summary>An image shown inline in a message.</summary>
/// <param name="Uri">Where the image is (an <c>https:</c> or <c>data:</c> URI).</param>
/// <param name="Alt">What it shows, for screen readers; null for none.</param>
public sealed record ImagePart(string Uri, string? Alt) : MessagePart;

/// <summary>A conversation as a list shows it.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Title">Its title: given, or the first question's start.</param>
/// <param name="Index">The index its questions are answered from; null for the domain's or <c>default</c>.</param>
/// <param name="Domain">The domain its questions are asked in; null for none.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When it last changed (a message, a rename).</param>
public sealed record ConversationSummary(string Id, string Title, string? Index, string? Domain, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A conversation with its messages, oldest first.</summary>
public sealed record Conversation(ConversationSummary Summary, IReadOnlyList<ConversationMessage> Messages);

/// <summary>One message of a conversation: a question, or an answer with the sources it cites.</summary>
/// <param name="Id">Its id, unique in the conversation.</param>
/// <param name="Role">Who wrote it.</param>
/// <param name="Parts">Its text and images, in order.</param>
/// <param name="CreatedAt">When it was written.</param>
public sealed record ConversationMessage(string Id, ConversationRole Role, IReadOnlyList<MessagePart> Parts, DateTimeOffset CreatedAt)
{
    /// <summary>The standalone query retrieval searched for to answer (the follow-up rewritten from the conversation); answers only.</summary>
    public string? SearchedFor { get; init; }

    /// <summary>The sources the answer's <c>[n]</c> numbers cite; empty for questions.</summary>
    public IReadOnlyList<AnswerSource> Sources { get; init; } = [];

    /// <summary>How the answer was made; null for questions and for an answer that failed before it was finished.</summary>
    public AnswerKind? Kind { get; init; }

    /// <summary>The index the answer was retrieved from (the citations' index); null for questions.</summary>
    public string? Index { get; init; }

    /// <summary>The domain the answer was written in; null for none.</summary>
    public string? Domain { get; init; }

    /// <summary>A note for the reader about how the answer was made (e.g. no generator installed); null for none.</summary>
    public string? Notice { get; init; }

    /// <summary>Why the answer is missing or unfinished (it failed, or was stopped); null when it is complete.</summary>
    public string? Error { get; init; }

    /// <summary>The text parts joined, without the images.</summary>
    [JsonIgnore]
    public string Text => string.Concat(Parts.OfType<TextPart>().Select(p => p.Text));
}

/// <summary>What a question in a conversation does to its last turn.</summary>
public enum ConversationAskMode
{
    /// <summary>Adds the question and its answer after the last turn.</summary>
    Ask,
    /// <summary>Answers the last question again, replacing its answer; the question text is ignored.</summary>
    Regenerate,
    /// <summary>Replaces the last question (and its answer) with this one: edit and resend.</summary>
    ReplaceLastQuestion,
}

/// <summary>A question asked in a conversation.</summary>
public sealed record ConversationQuestion
{
    /// <summary>A question that starts with this (<c>/image a red circle</c>) asks for a picture of the rest, answered with an <see cref="ImagePart"/>.</summary>
    public const string ImageCommand = "/image";

    /// <summary>The question in the user's words; may be a follow-up ("and how much memory?"). Ignored by <see cref="ConversationAskMode.Regenerate"/>.</summary>
    public string? Question { get; init; }

    /// <summary>What the question does to the last turn.</summary>
    public ConversationAskMode Mode { get; init; } = ConversationAskMode.Ask;

    /// <summary>The index to answer from; null for the conversation's. A value given is kept as the conversation's.</summary>
    public string? Index { get; init; }

    /// <summary>The domain to ask in; null for the conversation's. A value given is kept as the conversation's.</summary>
    public string? Domain { get; init; }

    /// <summary>How many retrieved chunks are offered to the context packer; null for 8.</summary>
    public int? Top { get; init; }

    /// <summary>The most tokens the answer may have; null for the service's default.</summary>
    public int? MaxOutputTokens { get; init; }

    /// <summary>Sampling temperature for the generator, 0 to 2; null for the model's default.</summary>
    public float? Temperature { get; init; }
}
