using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using RagStack.Answering;
using RagStack.Api.Problems;
using RagStack.Api.Tenancy;

namespace RagStack.Api.Ask;

/// <summary>Maps <c>POST /ask</c>: a grounded, cited answer, as JSON or as server-sent events.</summary>
public static class AskApi
{
    /// <summary>The media type that asks for the answer as server-sent events.</summary>
    public const string EventStream = Streaming.EventStream.MediaType;

    /// <summary>
    /// Maps <c>POST {group}/ask</c> on <paramref name="routes"/>: a JSON answer, or with <c>Accept: text/event-stream</c>
    /// a stream of <c>token</c> events, then one <c>sources</c> and one <c>done</c> event.
    /// </summary>
    public static RouteGroupBuilder MapAskApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var group = routes.MapGroup("/ask").WithTags("Ask");
        group.MapPost("/", AskAsync)
            .WithName("Ask")
            .WithSummary("A grounded answer to a question with its cited sources; streamed as server-sent events with Accept: text/event-stream.")
            .Produces<AskResponse>(StatusCodes.Status200OK, "application/json", EventStream)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .RequireAskLimiter();
        return group;
    }

    private static async Task<IResult> AskAsync(AskBody body, HttpRequest http, IAnswerer answerer, CancellationToken cancellationToken)
    {
        if (Validate(body) is { } problem)
        {
            return problem;
        }

        var request = new AskRequest
        {
            Question = body.Question!,
            Index = body.Index,
            Tenant = RequestTenant.Of(http.HttpContext),
            Domain = body.Domain,
            Top = body.Top ?? 8,
            MaxOutputTokens = body.MaxTokens,
            Temperature = body.Temperature,
        };

        if (!Streaming.EventStream.IsWanted(http))
        {
            return TypedResults.Ok(AskResponse.From(await answerer.AskAsync(request, cancellationToken)));
        }

        // The first step runs before the response starts, so an unknown domain or a question that overflows the model's
        // window is still answered with problem details rather than a broken stream.
        var updates = answerer.AskStreamingAsync(request, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            var first = await updates.MoveNextAsync();
            return new AnswerEventStream(updates, first);
        }
        catch
        {
            await updates.DisposeAsync();
            throw;
        }
    }

    private static ProblemHttpResult? Validate(AskBody body) =>
        string.IsNullOrWhiteSpace(body.Question) ? RequestProblems.Invalid("The question is empty; send {\"question\": \"what you want to know\"}.")
        : body.Top is < 1 or > 1000 ? RequestProblems.Invalid("top must be between 1 and 1000.")
        : body.MaxTokens is < 1 ? RequestProblems.Invalid("maxTokens must be at least 1.")
        : body.Temperature is { } t && (!float.IsFinite(t) || t is < 0 or > 2) ? RequestProblems.Invalid("temperature must be between 0 and 2.")
        : RequestProblems.InvalidIndex(body.Index) is { } index ? index
        : null;
}
