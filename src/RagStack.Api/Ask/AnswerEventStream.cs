using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RagStack.Answering;
using RagStack.Api.Problems;

namespace RagStack.Api.Ask;

/// <summary>
/// Writes a streamed answer as server-sent events: <c>token</c> ({"text"}) per piece as it is written, then
/// <c>sources</c> ({"sources"}) and <c>done</c> (kind, index, domain, adapter, usage, timings). A failure after the stream
/// started is sent as an <c>error</c> event holding problem details, since the status line is already gone.
/// </summary>
internal sealed partial class AnswerEventStream(IAsyncEnumerator<AnswerUpdate> updates, bool hasCurrent) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        await using var stream = updates;
        var response = httpContext.Response;
        var services = httpContext.RequestServices;
        var json = services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var logger = services.GetRequiredService<ILogger<AnswerEventStream>>();
        var cancellationToken = httpContext.RequestAborted;
        response.ContentType = AskApi.EventStream;
        response.Headers.CacheControl = "no-cache";
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        Answer? answer = null;
        var more = hasCurrent;
        while (more)
        {
            var update = stream.Current;
            if (update.Text.Length > 0)
            {
                await WriteAsync(response, "token", new TokenEvent(update.Text), json, cancellationToken);
            }

            answer ??= update.Completed;
            try
            {
                more = await stream.MoveNextAsync();
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                LogStreamFailed(logger, e);
                var problem = ProblemExceptionHandler.Describe(e)
                    ?? new ProblemDetails { Status = StatusCodes.Status500InternalServerError, Title = "The answer failed", Detail = "The answer stopped before it was finished; see the service log." };
                await WriteAsync(response, "error", problem, json, cancellationToken);
                return;
            }
        }

        if (answer is null)
        {
            await WriteAsync(response, "error", new ProblemDetails { Status = StatusCodes.Status500InternalServerError, Title = "The answer failed", Detail = "The answer stream ended without its finished answer." }, json, cancellationToken);
            return;
        }

        await WriteAsync(response, "sources", new SourcesEvent(SourceResponse.From(answer.Sources)), json, cancellationToken);
        await WriteAsync(response, "done", DoneEvent.From(answer), json, cancellationToken);
    }

    private static async Task WriteAsync<T>(HttpResponse response, string name, T data, JsonSerializerOptions json, CancellationToken cancellationToken)
    {
        // Compact JSON has no line breaks, so one data line carries the whole event.
        var line = $"event: {name}\ndata: {JsonSerializer.Serialize(data, json)}\n\n";
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(line), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A streamed answer failed after its first event")]
    private static partial void LogStreamFailed(ILogger logger, Exception exception);
}
