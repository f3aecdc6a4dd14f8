using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using RagStack.Domains;
using RagStack.Generation;

namespace RagStack.Api.Problems;

/// <summary>
/// Turns the typed errors of retrieval and answering into problem details a caller can act on: an unknown domain is 404
/// and names the configured domains, a question that does not fit the model's window is 400, bad arguments and unreadable bodies are 400.
/// Anything else is left to the default handler (500, no details).
/// </summary>
internal sealed class ProblemExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (Describe(exception) is not { } problem)
        {
            return false;
        }

        // Written as JSON whatever the request accepts: a client that asked for text/event-stream still gets a readable error.
        await TypedResults.Problem(problem).ExecuteAsync(httpContext);
        return true;
    }

    /// <summary>The problem an exception stands for; null when it is not one a caller can fix.</summary>
    public static ProblemDetails? Describe(Exception exception) => exception switch
    {
        UnknownDomainException e => new ProblemDetails { Status = StatusCodes.Status404NotFound, Title = "Unknown domain", Detail = e.Message },
        ContextWindowExceededException e => new ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The question does not fit the model",
            Detail = $"{e.Message} Ask a shorter question, lower top or maxTokens, or configure a model with a larger context.",
        },
        DomainAdapterException e => new ProblemDetails { Status = StatusCodes.Status503ServiceUnavailable, Title = "The domain's adapter cannot be used", Detail = e.Message },
        BadHttpRequestException e => new ProblemDetails
        {
            Status = e.StatusCode,
            Title = "Invalid request",
            Detail = e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message,
        },
        ArgumentException e => new ProblemDetails { Status = StatusCodes.Status400BadRequest, Title = "Invalid request", Detail = WithoutParameterName(e) },
        _ => null,
    };

    // The parameter is one of our methods', not a field of the request; naming it would only confuse the caller.
    private static string WithoutParameterName(ArgumentException e) =>
        e.ParamName is { } name ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;
}
