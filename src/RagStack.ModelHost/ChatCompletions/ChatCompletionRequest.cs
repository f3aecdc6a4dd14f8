using System.Text.Json.Serialization;

namespace RagStack.ModelHost.ChatCompletions;

/// <summary>The body of <c>POST /v1/chat/completions</c>: the OpenAI fields this host honours; others are ignored.</summary>
internal sealed record ChatCompletionRequest
{
    public string? Model { get; init; }

    public IReadOnlyList<ChatCompletionMessage>? Messages { get; init; }

    /// <summary>The older name of <see cref="MaxCompletionTokens"/>.</summary>
    public int? MaxTokens { get; init; }

    public int? MaxCompletionTokens { get; init; }

    public float? Temperature { get; init; }

    public float? TopP { get; init; }

    public long? Seed { get; init; }

    /// <summary>One stop sequence or a list of them.</summary>
    [JsonConverter(typeof(StopSequencesConverter))]
    public IReadOnlyList<string>? Stop { get; init; }

    public bool Stream { get; init; }

    public StreamOptions? StreamOptions { get; init; }
}

/// <summary>One message of the conversation; the content is a string or a list of text parts.</summary>
internal sealed record ChatCompletionMessage
{
    public string? Role { get; init; }

    [JsonConverter(typeof(MessageContentConverter))]
    public string? Content { get; init; }
}

/// <summary>Streaming options: with <see cref="IncludeUsage"/>, a last chunk carries the token counts.</summary>
internal sealed record StreamOptions
{
    public bool IncludeUsage { get; init; }
}
