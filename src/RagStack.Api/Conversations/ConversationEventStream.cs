using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RagStack.Api.Problems;
using RagStack.Api.Streaming;
using RagStack.Conversations;

namespace RagStack.Api.Conversations;

/// <summary>
/// Writes a conversation's answer as server-sent events, one per <see cref="ConversationUpdate"/>, named by its type
/// (<c>question</c>, <c>retrieving</c>, <c>retrieved</c>, <c>token</c>, <c>completed</c>); its data is the update with
/// that <c>type</c>. A failure after the stream started is a <c>failed</c> event with the problem's status, title and
/// detail. When the caller goes away the request is aborted, which cancels the answer and so stops the generator.
/// </summary>
internal sealed partial class ConversationEventStream(IAsyncEnumerator<ConversationUpdate> updates) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        await using var stream = updates;
        var logger = httpContext.RequestServices.GetRequiredService<ILogger<ConversationEventStream>>();
        var cancellationToken = httpContext.RequestAborted;
        var events = EventStream.Start(httpContext);
        while (true)
        {
            var update = stream.Current;
            await events.WriteAsync(NameOf(update), update, cancellationToken);
            try
            {
                if (!await stream.MoveNextAsync())
                {
                    return;
                }
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                LogStreamFailed(logger, e);
                var problem = ProblemExceptionHandler.Describe(e);
                ConversationUpdate failed = new ConversationFailed(
                    problem?.Status ?? StatusCodes.Status500InternalServerError,
                    problem?.Title ?? "The answer failed",
                    problem?.Detail ?? "The answer stopped before it was finished; see the service log.");
                await events.WriteAsync(NameOf(failed), failed, cancellationToken);
                return;
            }
        }
    }

    /// <summary>The event's name: the update's JSON type discriminator.</summary>
    private static string NameOf(ConversationUpdate update) => update switch
    {
        ConversationQuestionSaved => "question",
        ConversationRetrieving => "retrieving",
        ConversationRetrieved => "retrieved",
        ConversationToken => "token",
        ConversationCompleted => "completed",
        ConversationFailed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(update), update.GetType().Name, "An update type without an event name."),
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "A conversation's streamed answer failed after its first event")]
    private static partial void LogStreamFailed(ILogger logger, Exception exception);
}
