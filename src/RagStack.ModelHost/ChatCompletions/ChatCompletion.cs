namespace RagStack.ModelHost.ChatCompletions;

/// <summary>The body of a non-streaming chat completion.</summary>
internal sealed record ChatCompletion(string Id, long Created, string Model, IReadOnlyList<ChatCompletionChoice> Choices, CompletionUsage Usage)
{
    public string Object => "chat.completion";
}

/// <summary>The one reply of a completion.</summary>
internal sealed record ChatCompletionChoice(int Index, AssistantMessage Message, string FinishReason);

/// <summary>The assistant's reply.</summary>
internal sealed record AssistantMessage(string Content)
{
    public string Role => "assistant";
}

/// <summary>Token counts of one request.</summary>
internal sealed record CompletionUsage(int PromptTokens, int CompletionTokens, int TotalTokens);

/// <summary>One server-sent event of a streaming completion.</summary>
internal sealed record ChatCompletionChunk(string Id, long Created, string Model, IReadOnlyList<ChatCompletionChunkChoice> Choices, CompletionUsage? Usage = null)
{
    public string Object => "chat.completion.chunk";
}

/// <summary>A piece of the reply; the last one has no text and carries the finish reason.</summary>
internal sealed record ChatCompletionChunkChoice(int Index, ChatCompletionDelta Delta, string? FinishReason = null);

/// <summary>What a chunk adds to the reply: the role (first chunk only) and text.</summary>
internal sealed record ChatCompletionDelta(string? Role = null, string? Content = null);
