using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using RagStack.OpenAi.Errors;

namespace RagStack.OpenAi.ChatCompletions;

/// <summary>
/// Writes a streaming completion as OpenAI's server-sent events: a first chunk with the role, one chunk per piece of
/// text, a chunk with the finish reason (and any extension fields: the updates' additional properties whose values are
/// JSON), the usage chunk when asked for, then <c>[DONE]</c>.
/// </summary>
internal sealed class ChatCompletionStream(CompletionHeader header, IAsyncEnumerator<ChatResponseUpdate> updates, bool hasCurrent, bool includeUsage, ILogger logger) : IResult
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    /// <summary>
    /// Starts the stream: reads its first update before the response starts, so a request refused when the stream is
    /// first read (a prompt too long, an unknown adapter) still gets its status code; the caller handles that exception.
    /// </summary>
    public static async Task<ChatCompletionStream> StartAsync(CompletionHeader header, IAsyncEnumerable<ChatResponseUpdate> stream, bool includeUsage, ILogger logger, CancellationToken cancellationToken)
    {
        var updates = stream.GetAsyncEnumerator(cancellationToken);
        try
        {
            var any = await updates.MoveNextAsync();
            return new ChatCompletionStream(header, updates, any, includeUsage, logger);
        }
        catch
        {
            await updates.DisposeAsync();
            throw;
        }
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        await using var _ = updates;
        var response = httpContext.Response;
        var cancellationToken = httpContext.RequestAborted;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await WriteAsync(response, Chunk(new ChatCompletionDelta("assistant", "")), cancellationToken);
        ChatFinishReason? finish = null;
        UsageDetails? usage = null;
        Dictionary<string, JsonElement>? extensions = null;
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
                extensions = ChatCompletion.ExtensionsOf(update.AdditionalProperties) ?? extensions;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // The status line has gone out: the error can only travel as an event, as OpenAI sends it.
            OpenAiLog.StreamFailed(logger, e, header.Id);
            var error = new OpenAiError(new OpenAiErrorDetail(e.Message, "server_error", null, null));
            await WriteEventAsync(response, JsonSerializer.SerializeToUtf8Bytes(error, OpenAiJson.Default.OpenAiError), cancellationToken);
            return;
        }

        var last = new ChatCompletionChunk(header.Id, header.Created, header.Model, [new ChatCompletionChunkChoice(0, new ChatCompletionDelta(), ChatCompletion.FinishReasonOf(finish))])
        {
            Extensions = extensions,
        };
        await WriteAsync(response, last, cancellationToken);
        if (includeUsage)
        {
            await WriteAsync(response, new ChatCompletionChunk(header.Id, header.Created, header.Model, [], CompletionUsage.Of(usage)), cancellationToken);
        }

        await response.Body.WriteAsync(Done, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    private ChatCompletionChunk Chunk(ChatCompletionDelta delta) => new(header.Id, header.Created, header.Model, [new ChatCompletionChunkChoice(0, delta)]);

    private static Task WriteAsync(HttpResponse response, ChatCompletionChunk chunk, CancellationToken cancellationToken) =>
        WriteEventAsync(response, JsonSerializer.SerializeToUtf8Bytes(chunk, OpenAiJson.Default.ChatCompletionChunk), cancellationToken);

    private static async Task WriteEventAsync(HttpResponse response, byte[] json, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(DataPrefix, cancellationToken);
        await response.Body.WriteAsync(json, cancellationToken);
        await response.Body.WriteAsync(EventEnd, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
