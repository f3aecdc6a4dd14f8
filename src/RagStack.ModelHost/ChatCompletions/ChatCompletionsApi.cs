using System.Text.Json;
using Microsoft.Extensions.AI;
using RagStack.Generation;
using RagStack.ModelHost.Errors;
using RagStack.ModelHost.Models;

namespace RagStack.ModelHost.ChatCompletions;

/// <summary>
/// <c>POST /v1/chat/completions</c>: answers an OpenAI chat request with the local model, through the adapter its model id
/// names. A client that disconnects cancels its generation.
/// </summary>
internal static class ChatCompletionsApi
{
    public static RouteHandlerBuilder MapChatCompletionsApi(this IEndpointRouteBuilder group) =>
        group.MapPost("/chat/completions", CompleteAsync)
            .WithName("CreateChatCompletion")
            .WithSummary("Answers a chat in OpenAI's format, whole or streamed as server-sent events.");

    internal static async Task<IResult> CompleteAsync(HttpRequest http, ServedModels models, TimeProvider clock, ILogger<ChatCompletionStream> logger, CancellationToken cancellationToken)
    {
        ChatCompletionRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(http.Body, ModelHostJson.Default.ChatCompletionRequest, cancellationToken);
        }
        catch (JsonException e)
        {
            return OpenAiError.InvalidRequest($"The request body is not a valid chat completion request: {e.Message}", e.Path, "invalid_json");
        }

        if (request is null)
        {
            return OpenAiError.InvalidRequest("The request body is empty; send a JSON chat completion request.");
        }

        if (Refuse(request) is { } refusal)
        {
            return refusal;
        }

        if (!models.TryResolve(request.Model!, out var adapter))
        {
            return OpenAiError.Result(
                StatusCodes.Status404NotFound,
                $"The model '{request.Model}' does not exist on this host; it serves: {string.Join(", ", models.Ids)}.",
                "invalid_request_error",
                "model",
                "model_not_found");
        }

        var messages = request.Messages!.Select(m => new ChatMessage(RoleOf(m.Role!)!.Value, m.Content ?? "")).ToList();
        var options = OptionsOf(request, adapter);
        var header = new CompletionHeader("chatcmpl-" + Guid.NewGuid().ToString("N"), clock.GetUtcNow().ToUnixTimeSeconds(), request.Model!);
        try
        {
            if (!request.Stream)
            {
                var response = await models.Client.GetResponseAsync(messages, options, cancellationToken);
                return TypedResults.Json(Completion(header, response), ModelHostJson.Default.ChatCompletion);
            }

            // The prompt is checked when the stream is first read: read it before answering, so a refusal gets its status.
            var updates = models.Client.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
            try
            {
                var any = await updates.MoveNextAsync();
                return new ChatCompletionStream(header, updates, any, request.StreamOptions?.IncludeUsage ?? false, logger);
            }
            catch
            {
                await updates.DisposeAsync();
                throw;
            }
        }
        catch (ContextWindowExceededException e)
        {
            return OpenAiError.InvalidRequest(e.Message, "messages", "context_length_exceeded");
        }
        catch (KeyNotFoundException e)
        {
            // The adapter was removed between choosing it and decoding.
            return OpenAiError.Result(StatusCodes.Status404NotFound, e.Message, "invalid_request_error", "model", "model_not_found");
        }
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
            if (messages[i] is null || RoleOf(messages[i].Role) is null)
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

    private static ChatRole? RoleOf(string? role) => role switch
    {
        "system" or "developer" => ChatRole.System,
        "user" => ChatRole.User,
        "assistant" => ChatRole.Assistant,
        _ => null,
    };

    private static ChatOptions OptionsOf(ChatCompletionRequest request, string? adapter)
    {
        var options = new ChatOptions
        {
            MaxOutputTokens = request.MaxCompletionTokens ?? request.MaxTokens,
            Temperature = request.Temperature,
            TopP = request.TopP,
            Seed = request.Seed,
            StopSequences = request.Stop is { Count: > 0 } stop ? [.. stop] : null,
        };
        return adapter is null ? options : options.WithAdapter(adapter);
    }

    private static ChatCompletion Completion(CompletionHeader header, ChatResponse response) => new(
        header.Id,
        header.Created,
        header.Model,
        [new ChatCompletionChoice(0, new AssistantMessage(response.Text), FinishReasonOf(response.FinishReason))],
        UsageOf(response.Usage));

    internal static string FinishReasonOf(ChatFinishReason? reason) => reason == ChatFinishReason.Length ? "length" : "stop";

    internal static CompletionUsage UsageOf(UsageDetails? usage)
    {
        var prompt = (int)(usage?.InputTokenCount ?? 0);
        var completion = (int)(usage?.OutputTokenCount ?? 0);
        return new CompletionUsage(prompt, completion, prompt + completion);
    }
}

/// <summary>The fields every chunk of one completion repeats.</summary>
internal sealed record CompletionHeader(string Id, long Created, string Model);
