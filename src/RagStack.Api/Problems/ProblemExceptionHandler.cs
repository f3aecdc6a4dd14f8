using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using RagStack.Domains;
using RagStack.Generation;
using RagStack.OpenAi.Errors;
using RagStack.Storage.Qdrant;

namespace RagStack.Api.Problems;

/// <summary>
/// Turns the typed errors of retrieval and answering into problem details a caller can act on: an unknown domain is 404
/// and names the configured domains, a question that does not fit the model's window is 400, bad arguments and unreadable bodies are 400,
/// a Qdrant that does not answer is 503.
/// Anything else is left to the default handler (500, no details).
/// </summary>
internal sealed class ProblemExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (Describe(exception, httpContext) is not { } problem)
        {
            return false;
        }

        // Written as JSON whatever the request accepts: a client that asked for text/event-stream still gets a readable error.
        await TypedResults.Problem(problem).ExecuteAsync(httpContext);
        return true;
    }

    /// <summary>
    /// The problem an exception stands for; null when it is not one a caller can fix. With the request, an unreadable body
    /// is described by the endpoint's body type: which field is wrong and what it must be.
    /// </summary>
    public static ProblemDetails? Describe(Exception exception, HttpContext? http = null) => exception switch
    {
        UnknownDomainException e => new ProblemDetails { Status = StatusCodes.Status404NotFound, Title = "Unknown domain", Detail = e.Message },
        ContextWindowExceededException e => new ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The question does not fit the model",
            Detail = $"{e.Message} Ask a shorter question, lower top or maxTokens, or configure a model with a larger context.",
        },
        DomainAdapterException e => new ProblemDetails { Status = StatusCodes.Status503ServiceUnavailable, Title = "The domain's adapter cannot be used", Detail = e.Message },
        BadHttpRequestException e => new ProblemDetails { Status = e.StatusCode, Title = "Invalid request", Detail = BodyProblem(e, http) },
        ArgumentException e => new ProblemDetails { Status = StatusCodes.Status400BadRequest, Title = "Invalid request", Detail = ArgumentMessages.Of(e) },
        // The endpoint and Qdrant's own words go to the log, not to callers: they learn only that trying again may help.
        QdrantUnavailableException => new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "The vector store is unavailable",
            Detail = "Qdrant, which holds this service's chunks, did not answer; nothing was lost. Try again shortly.",
        },
        _ => null,
    };

    /// <summary>
    /// ASP.NET's sentences ("Implicit body inferred for parameter…", "could not be converted to System.…") rewritten as
    /// what the endpoint expects, from its body type.
    /// </summary>
    private static string BodyProblem(BadHttpRequestException e, HttpContext? http)
    {
        // The exception handler clears the request's endpoint before handlers run; its feature keeps the one that failed.
        var endpoint = http?.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? http?.GetEndpoint();
        if (BodyTypeOf(endpoint) is not { } body)
        {
            return "The request could not be read; the OpenAPI document at /openapi/v1.json describes what each endpoint takes.";
        }

        return e.InnerException is JsonException json ? JsonBodyProblem.Describe(json, body, JsonNamingPolicy.CamelCase)
            : e.StatusCode == StatusCodes.Status415UnsupportedMediaType ? NotJson(body)
            : $"The request body is empty or missing; send {JsonBodyProblem.Expected(body, JsonNamingPolicy.CamelCase)}.";
    }

    /// <summary>
    /// Fills in the detail ASP.NET leaves out when it answers by itself: a body that is not JSON is refused with a bare 415
    /// before any handler runs.
    /// </summary>
    public static void Customize(ProblemDetailsContext context)
    {
        if (context.HttpContext.Response.StatusCode == StatusCodes.Status415UnsupportedMediaType && context.ProblemDetails.Detail is null)
        {
            context.ProblemDetails.Detail = NotJson(BodyTypeOf(context.HttpContext.GetEndpoint()));
        }
    }

    private static string NotJson(Type? body) =>
        body is null ? "Send the body as JSON (Content-Type: application/json)."
        : $"Send the body as JSON (Content-Type: application/json): {JsonBodyProblem.Expected(body, JsonNamingPolicy.CamelCase)}.";

    private static Type? BodyTypeOf(Endpoint? endpoint) => endpoint?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
}
