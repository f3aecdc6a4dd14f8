using Microsoft.Extensions.AI;
using RagStack.Generation;
using RagStack.ModelHost.Models;
using RagStack.OpenAi.ChatCompletions;
using RagStack.OpenAi.Errors;

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
        var (request, refusal) = await ChatCompletionRequest.ReadAsync(http, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        if (!models.TryResolve(request!.Model!, out var adapter))
        {
            return OpenAiError.ModelNotFound($"The model '{request.Model}' does not exist on this host; it serves: {string.Join(", ", models.Ids)}.");
        }

        var messages = request.Messages!.Select(m => new ChatMessage(ChatCompletionMessage.RoleOf(m.Role!)!.Value, m.Content ?? "")).ToList();
        var options = OptionsOf(request, adapter);
        var header = CompletionHeader.New(request.Model!, clock);
        try
        {
            if (!request.Stream)
            {
                var response = await models.Client.GetResponseAsync(messages, options, cancellationToken);
                return TypedResults.Json(ChatCompletion.Of(header, response), OpenAi.OpenAiJson.Default.ChatCompletion);
            }

            // The prompt is checked when the stream is first read: read it before answering, so a refusal gets its status.
            return await ChatCompletionStream.StartAsync(
                header, models.Client.GetStreamingResponseAsync(messages, options, cancellationToken), request.StreamOptions?.IncludeUsage ?? false, logger, cancellationToken);
        }
        catch (ContextWindowExceededException e)
        {
            return OpenAiError.InvalidRequest(e.Message, "messages", "context_length_exceeded");
        }
        catch (KeyNotFoundException e)
        {
            // The adapter was removed between choosing it and decoding.
            return OpenAiError.ModelNotFound(e.Message);
        }
    }

    private static ChatOptions OptionsOf(ChatCompletionRequest request, string? adapter)
    {
        var options = new ChatOptions
        {
            MaxOutputTokens = request.MaxOutputTokens,
            Temperature = request.Temperature,
            TopP = request.TopP,
            Seed = request.Seed,
            StopSequences = request.Stop is { Count: > 0 } stop ? [.. stop] : null,
        };
        return adapter is null ? options : options.WithAdapter(adapter);
    }
}
