using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.AI;

namespace RagStack.OpenAi.ChatCompletions;

/// <summary>The body of a non-streaming chat completion.</summary>
internal sealed record ChatCompletion(string Id, long Created, string Model, IReadOnlyList<ChatCompletionChoice> Choices, CompletionUsage Usage)
{
    public string Object => "chat.completion";

    /// <summary>Fields beyond OpenAI's (the RAG service's <c>sources</c>), written beside the standard ones; clients ignore what they do not know.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extensions { get; set; }

    /// <summary>The completion of a finished reply.</summary>
    public static ChatCompletion Of(CompletionHeader header, ChatResponse response) => new(
        header.Id,
        header.Created,
        header.Model,
        [new ChatCompletionChoice(0, new AssistantMessage(response.Text), FinishReasonOf(response.FinishReason))],
        CompletionUsage.Of(response.Usage))
    {
        Extensions = ExtensionsOf(response.AdditionalProperties),
    };

    /// <summary>OpenAI's finish reason: <c>length</c> when the token limit cut the reply, else <c>stop</c>.</summary>
    public static string FinishReasonOf(ChatFinishReason? reason) => reason == ChatFinishReason.Length ? "length" : "stop";

    /// <summary>The extension fields a reply carries: its additional properties whose values are JSON.</summary>
    public static Dictionary<string, JsonElement>? ExtensionsOf(AdditionalPropertiesDictionary? properties)
    {
        var json = properties?.Where(p => p.Value is JsonElement).ToDictionary(p => p.Key, p => (JsonElement)p.Value!);
        return json is { Count: > 0 } ? json : null;
    }
}

/// <summary>The one reply of a completion.</summary>
internal sealed record ChatCompletionChoice(int Index, AssistantMessage Message, string FinishReason);

/// <summary>The assistant's reply.</summary>
internal sealed record AssistantMessage(string Content)
{
    public string Role => "assistant";
}

/// <summary>Token counts of one request.</summary>
internal sealed record CompletionUsage(int PromptTokens, int CompletionTokens, int TotalTokens)
{
    /// <summary>The counts a generator reported; zero where it reported none.</summary>
    public static CompletionUsage Of(UsageDetails? usage) => Of((int?)usage?.InputTokenCount, (int?)usage?.OutputTokenCount);

    /// <summary>The counts given; zero where none is known.</summary>
    public static CompletionUsage Of(int? prompt, int? completion) => new(prompt ?? 0, completion ?? 0, (prompt ?? 0) + (completion ?? 0));
}

/// <summary>One server-sent event of a streaming completion.</summary>
internal sealed record ChatCompletionChunk(string Id, long Created, string Model, IReadOnlyList<ChatCompletionChunkChoice> Choices, CompletionUsage? Usage = null)
{
    public string Object => "chat.completion.chunk";

    /// <summary>Fields beyond OpenAI's, carried by the chunk with the finish reason.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extensions { get; set; }
}

/// <summary>A piece of the reply; the last one has no text and carries the finish reason.</summary>
internal sealed record ChatCompletionChunkChoice(int Index, ChatCompletionDelta Delta, string? FinishReason = null);

/// <summary>What a chunk adds to the reply: the role (first chunk only) and text.</summary>
internal sealed record ChatCompletionDelta(string? Role = null, string? Content = null);

/// <summary>The fields every chunk of one completion repeats.</summary>
internal sealed record CompletionHeader(string Id, long Created, string Model)
{
    /// <summary>A new completion's id and time, answered as <paramref name="model"/>.</summary>
    public static CompletionHeader New(string model, TimeProvider clock) =>
        new("chatcmpl-" + Guid.NewGuid().ToString("N"), clock.GetUtcNow().ToUnixTimeSeconds(), model);
}
