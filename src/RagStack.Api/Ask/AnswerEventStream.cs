using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RagStack.Answering;
using RagStack.Api.Problems;
using RagStack.Api.Streaming;

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
        var logger = httpContext.RequestServices.GetRequiredService<ILogger<AnswerEventStream>>();
        var cancellationToken = httpContext.RequestAborted;
        var events = EventStream.Start(httpContext);

        Answer? answer = null;
        var more = hasCurrent;
        while (more)
        {
            var update = stream.Current;
            if (update.Text.Length > 0)
            {
                await events.WriteAsync("token", new TokenEvent(update.Text), cancellationToken);
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
                await events.WriteAsync("error", problem, cancellationToken);
                return;
            }
        }

        if (answer is null)
        {
            await events.WriteAsync("error", new ProblemDetails { Status = StatusCodes.Status500InternalServerError, Title = "The answer failed", Detail = "The answer stream ended without its finished answer." }, cancellationToken);
            return;
        }

        await events.WriteAsync("sources", new SourcesEvent(SourceResponse.From(answer.Sources)), cancellationToken);
        await events.WriteAsync("done", DoneEvent.From(answer), cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A streamed answer failed after its first event")]
    private static partial void LogStreamFailed(ILogger logger, Exception exception);
}
