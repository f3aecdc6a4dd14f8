using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RagStack.Input;

namespace RagStack.Api.Diagnostics;

/// <summary>
/// The service's request log, one line per answered request: method, path, status and time. It stands in for ASP.NET's
/// own "Request starting" lines, which print the whole URL: a client that puts its API key in the query string would
/// have it written to the log. The query string is never logged, and the path is quoted so it cannot start a new line.
/// </summary>
internal sealed partial class RequestLog(RequestDelegate next, ILogger<RequestLog> logger, TimeProvider time)
{
    /// <summary>The category of ASP.NET's own request lines, which <see cref="AddRequestLog"/> quietens.</summary>
    public const string HostingCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    private const int ShownPathLength = 200;

    /// <summary>Leaves ASP.NET's own request lines (with their query strings) out of the log, for warnings and errors only.</summary>
    public static void AddRequestLog(WebApplicationBuilder builder) =>
        builder.Logging.AddFilter(HostingCategory, LogLevel.Warning);

    public async Task InvokeAsync(HttpContext context)
    {
        var started = time.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            Answered(logger, context.Request.Method, UntrustedText.Quote(context.Request.Path.Value, ShownPathLength), context.Response.StatusCode, time.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path} answered {Status} in {ElapsedMs:0.0} ms")]
    private static partial void Answered(ILogger logger, string method, string path, int status, double elapsedMs);
}
