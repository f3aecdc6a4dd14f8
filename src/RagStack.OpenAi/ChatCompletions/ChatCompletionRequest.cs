using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using RagStack.OpenAi.Errors;

namespace RagStack.OpenAi.ChatCompletions;

/// <summary>The body of <c>POST /v1/chat/completions</c>: the OpenAI fields this host honours; others are ignored.</summary>
internal sealed record ChatCompletionRequest
{
    /// <summary>
    /// Reads and checks a request body: the request, or the 400 in OpenAI's error shape that names the first thing wrong
    /// (unreadable JSON, no model, no messages, an unknown role, a setting out of range).
    /// </summary>
    public static async Task<(ChatCompletionRequest? Request, IResult? Error)> ReadAsync(HttpRequest http, CancellationToken cancellationToken)
    {
        ChatCompletionRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(http.Body, OpenAiJson.Default.ChatCompletionRequest, cancellationToken);
        }
        catch (JsonException e)
        {
            return (null, OpenAiError.InvalidRequest(
                $"The request body is not a valid chat completion request: {JsonBodyProblem.Describe(e, typeof(ChatCompletionRequest), JsonNamingPolicy.SnakeCaseLower)}",
                JsonBodyProblem.ParamOf(e), "invalid_json"));
        }

        return request is null
            ? (null, OpenAiError.InvalidRequest("The request body is empty; send a JSON chat completion request."))
            : (request, Refuse(request));
    }

    /// <summary>The first thing wrong with the request, as the 400 that names it; null when it can be answered.</summary>
    private static IResult? Refuse(ChatCompletionRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Model))
        {
            return OpenAiError.InvalidRequest("'model' is required.", "model");
        }

        if (request.Messages is not { Count: > 0 } messages)
        {
            return OpenAiError.InvalidRequest("'messages' must hold at least one message.", "messages");
        }

        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is null || ChatCompletionMessage.RoleOf(messages[i].Role) is null)
            {
                return OpenAiError.InvalidRequest($"messages[{i}]: the role must be system, developer, user or assistant, not '{messages[i]?.Role}'.", $"messages[{i}].role");
            }
        }

        return (request.MaxCompletionTokens ?? request.MaxTokens) is <= 0
                ? OpenAiError.InvalidRequest("'max_completion_tokens' (or 'max_tokens') must be positive.", request.MaxCompletionTokens is null ? "max_tokens" : "max_completion_tokens")
            : request.Temperature is < 0 or > 2 ? OpenAiError.InvalidRequest("'temperature' must be between 0 and 2.", "temperature")
            : request.TopP is <= 0 or > 1 ? OpenAiError.InvalidRequest("'top_p' must be above 0 and at most 1.", "top_p")
            : null;
    }

    public string? Model { get; init; }

    public IReadOnlyList<ChatCompletionMessage>? Messages { get; init; }

    /// <summary>The most tokens the reply may have: <see cref="MaxCompletionTokens"/>, else its older name <see cref="MaxTokens"/>.</summary>
    [JsonIgnore]
    public int? MaxOutputTokens => MaxCompletionTokens ?? MaxTokens;

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
    /// <summary>The chat role an OpenAI role names (<c>developer</c> is the newer name of <c>system</c>); null for roles not accepted.</summary>
    public static ChatRole? RoleOf(string? role) => role switch
    {
        "system" or "developer" => ChatRole.System,
        "user" => ChatRole.User,
        "assistant" => ChatRole.Assistant,
        _ => null,
    };

    public string? Role { get; init; }

    [JsonConverter(typeof(MessageContentConverter))]
    public string? Content { get; init; }
}

/// <summary>Streaming options: with <see cref="IncludeUsage"/>, a last chunk carries the token counts.</summary>
internal sealed record StreamOptions
{
    public bool IncludeUsage { get; init; }
}
