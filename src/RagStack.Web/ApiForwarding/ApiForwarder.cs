using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace RagStack.Web.ApiForwarding;

/// <summary>
/// Sends one incoming request on to the RAG service and streams its answer back as it arrives, flushing after every
/// read so server-sent answer tokens reach the browser as they are written.
/// </summary>
internal sealed partial class ApiForwarder(HttpClient client, ILogger<ApiForwarder> logger)
{
    // Headers about this one connection (RFC 9110 §7.6.1), not the message; Host is the upstream's own.
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Connection", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade", "Host",
    };

    public async Task ForwardAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        using var outgoing = CreateRequest(context.Request);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(outgoing, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            LogUnreachable(logger, client.BaseAddress, e);
            await Results.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status502BadGateway,
                Title = "The RAG service is unreachable",
                Detail = $"The web app could not reach the RAG service at {client.BaseAddress}: {e.Message}",
            }).ExecuteAsync(context);
            return;
        }

        using (response)
        {
            await CopyResponseAsync(response, context, cancellationToken);
        }
    }

    private static HttpRequestMessage CreateRequest(HttpRequest request)
    {
        var outgoing = new HttpRequestMessage(new HttpMethod(request.Method), request.Path + request.QueryString);
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            outgoing.Content = new StreamContent(request.Body);
        }

        foreach (var (name, values) in request.Headers)
        {
            if (!HopByHop.Contains(name) && !outgoing.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                outgoing.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        return outgoing;
    }

    private static async Task CopyResponseAsync(HttpResponseMessage response, HttpContext context, CancellationToken cancellationToken)
    {
        var target = context.Response;
        target.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopByHop.Contains(name))
            {
                target.Headers[name] = values.ToArray();
            }
        }

        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await target.Body.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            await target.Body.FlushAsync(cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The RAG service at {ApiUrl} is unreachable")]
    private static partial void LogUnreachable(ILogger logger, Uri? apiUrl, Exception exception);
}
