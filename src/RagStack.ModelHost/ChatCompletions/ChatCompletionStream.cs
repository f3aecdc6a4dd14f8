using System.Text.Json;
using Microsoft.Extensions.AI;
using RagStack.ModelHost.Errors;

namespace RagStack.ModelHost.ChatCompletions;

/// <summary>
/// Writes a streaming completion as OpenAI's server-sent events: a first chunk with the role, one chunk per piece of
/// text, a chunk with the finish reason, the usage chunk when asked for, then <c>[DONE]</c>.
/// </summary>
internal sealed class ChatCompletionStream(CompletionHeader header, IAsyncEnumerator<ChatResponseUpdate> updates, bool hasCurrent, bool includeUsage, ILogger logger) : IResult
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        await using var _ = updates;
        var response = httpContext.Response;
        var cancellationToken = httpContext.RequestAborted;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        await WriteAsync(response, Chunk(new ChatCompletionDelta("assistant", "")), cancellationToken);
        ChatFinishReason? finish = null;
        UsageDetails? usage = null;
        try
        {
            for (var more = hasCurrent; more; more = await updates.MoveNextAsync())
            {
                var update = updates.Current;
                if (update.Text is { Length: > 0 } text)
                {
                    await WriteAsync(response, Chunk(new ChatCompletionDelta(Content: text)), cancellationToken);
                }

                finish = update.FinishReason ?? finish;
                usage = update.Contents.OfType<UsageContent>().LastOrDefault()?.Details ?? usage;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // The status line has gone out: the error can only travel as an event, as OpenAI sends it.
            ModelHostLog.StreamFailed(logger, e, header.Id);
            var error = new OpenAiError(new OpenAiErrorDetail(e.Message, "server_error", null, null));
            await WriteEventAsync(response, JsonSerializer.SerializeToUtf8Bytes(error, ModelHostJson.Default.OpenAiError), cancellationToken);
            return;
        }

        await WriteAsync(response, new ChatCompletionChunk(header.Id, header.Created, header.Model, [new ChatCompletionChunkChoice(0, new ChatCompletionDelta(), ChatCompletionsApi.FinishReasonOf(finish))]), cancellationToken);
        if (includeUsage)
        {
            await WriteAsync(response, new ChatCompletionChunk(header.Id, header.Created, header.Model, [], ChatCompletionsApi.UsageOf(usage)), cancellationToken);
        }

        await response.Body.WriteAsync(Done, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    private ChatCompletionChunk Chunk(ChatCompletionDelta delta) => new(header.Id, header.Created, header.Model, [new ChatCompletionChunkChoice(0, delta)]);

    private static Task WriteAsync(HttpResponse response, ChatCompletionChunk chunk, CancellationToken cancellationToken) =>
        WriteEventAsync(response, JsonSerializer.SerializeToUtf8Bytes(chunk, ModelHostJson.Default.ChatCompletionChunk), cancellationToken);

    private static async Task WriteEventAsync(HttpResponse response, byte[] json, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(DataPrefix, cancellationToken);
        await response.Body.WriteAsync(json, cancellationToken);
        await response.Body.WriteAsync(EventEnd, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
