using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;

namespace RagStack.Cli.Bench.Api;

/// <summary>Asks one service's <c>POST /api/ask</c>, streamed or as JSON, timing from the moment the request is sent.</summary>
internal sealed class AskEndpoint(HttpClient http, Uri uri, string body)
{
    /// <summary>How long a request may wait for its response headers before it counts as failed.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(100);

    /// <summary>The client every endpoint of one run shares, sending <paramref name="apiKey"/> as a bearer token when given.</summary>
    public static HttpClient CreateHttpClient(string? apiKey)
    {
        // A short connect timeout makes a stopped service fail in seconds; connections are pooled per URL without a cap,
        // so each load worker keeps one of its own.
        var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10), AutomaticDecompression = DecompressionMethods.None };
        var http = new HttpClient(handler) { Timeout = RequestTimeout };
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("ragstack-bench", typeof(ApiBenchCommand).Assembly.GetName().Version?.ToString(3)));
        if (apiKey is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return http;
    }

    public async Task<AskReply> AskJsonAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var request = Request("application/json");
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var total = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            return response.IsSuccessStatusCode
                ? new AskReply((int)response.StatusCode, total, null, null, null)
                : await FailedAsync(response, total, cancellationToken);
        }
        catch (Exception e) when (Unanswered(e, cancellationToken) is { } reason)
        {
            return new AskReply(0, Stopwatch.GetElapsedTime(started).TotalMilliseconds, null, null, reason);
        }
    }

    public async Task<AskReply> StreamAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var request = Request("text/event-stream");
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return await FailedAsync(response, Stopwatch.GetElapsedTime(started).TotalMilliseconds, cancellationToken);
            }

            await using var events = await response.Content.ReadAsStreamAsync(cancellationToken);
            double? firstToken = null;
            await foreach (var item in SseParser.Create(events).EnumerateAsync(cancellationToken))
            {
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                switch (item.EventType)
                {
                    case "token":
                        firstToken ??= elapsed;
                        break;
                    case "error":
                        return new AskReply((int)response.StatusCode, elapsed, firstToken, null, "the stream sent an error event: " + ProblemText(item.Data));
                    case "done":
                        return new AskReply((int)response.StatusCode, elapsed, firstToken, null, null);
                }
            }

            return new AskReply((int)response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds, firstToken, null, "the event stream ended without a done event");
        }
        catch (Exception e) when (Unanswered(e, cancellationToken) is { } reason)
        {
            return new AskReply(0, Stopwatch.GetElapsedTime(started).TotalMilliseconds, null, null, reason);
        }
    }

    private HttpRequestMessage Request(string accept)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        return request;
    }

    private static async Task<AskReply> FailedAsync(HttpResponseMessage response, double totalMs, CancellationToken cancellationToken)
    {
        var retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => (TimeSpan?)null,
        };
        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd();
        var detail = ProblemText(await response.Content.ReadAsStringAsync(cancellationToken));
        return new AskReply((int)response.StatusCode, totalMs, null, retryAfter, detail.Length > 0 ? $"{status}: {detail}" : status);
    }

    /// <summary>The reason a request got no HTTP answer, or null for the caller's own cancellation (which must propagate).</summary>
    private static string? Unanswered(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        _ when cancellationToken.IsCancellationRequested => null,
        HttpRequestException e => e.Message,
        TaskCanceledException => $"no answer within {RequestTimeout.TotalSeconds:0} s",
        IOException e => e.Message,
        _ => null,
    };

    /// <summary>A problem details body's detail (else its title), or the body's start when it is not problem details.</summary>
    private static string ProblemText(string body)
    {
        try
        {
            using var problem = JsonDocument.Parse(body);
            if (problem.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var name in (string[])["detail", "title"])
                {
                    if (problem.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                    {
                        return value.GetString()!;
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: a proxy's HTML page or plain text; its first line says enough.
        }

        var line = body.Split('\n', 2)[0].Trim();
        return line.Length > 200 ? line[..200] + "…" : line;
    }
}
