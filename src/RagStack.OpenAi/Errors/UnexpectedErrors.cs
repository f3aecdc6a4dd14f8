using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RagStack.Input;

namespace RagStack.OpenAi.Errors;

/// <summary>
/// Answers an error no endpoint expected in OpenAI's shape (500, <c>server_error</c>) instead of an empty 500, so an
/// OpenAI client shows a message; the exception itself goes to the log, not to the caller.
/// </summary>
internal static class UnexpectedErrors
{
    /// <summary>Adds the filter to every endpoint of <paramref name="group"/>.</summary>
    public static RouteGroupBuilder AnswerUnexpectedErrorsAsOpenAi(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (Exception e) when (e is not OperationCanceledException && !context.HttpContext.Response.HasStarted)
            {
                var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(UnexpectedErrors).FullName!);
                // Quoted: a decoded path can hold a line break, which would start a forged log line.
                OpenAiLog.UnexpectedError(logger, e, UntrustedText.Quote(context.HttpContext.Request.Path.Value, 200));
                return OpenAiError.Result(
                    StatusCodes.Status500InternalServerError,
                    $"The server hit an unexpected error ({e.GetType().Name}) and could not answer; its log has the details. Try again, or report it if it persists.",
                    "server_error");
            }
        });
        return group;
    }
}
