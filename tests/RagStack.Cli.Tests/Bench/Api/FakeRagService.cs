using System.Net;
using System.Text;
using System.Text.Json;

namespace RagStack.Cli.Tests.Bench.Api;

/// <summary>
/// Stands in for the RagStack service on a real HTTP server on loopback (HttpListener), since <c>bench api</c> needs only
/// its HTTP contract: <c>POST /api/ask</c> answered as JSON or as the service's server-sent events (token, sources,
/// done), a concurrency bound answered with 429 and <c>Retry-After: 1</c>, and counts of every answer it sent.
/// HttpListener rather than Kestrel: the ASP.NET Core framework reference would stop the test build from copying the
/// Microsoft.Extensions assemblies that the ragstack executable run by these tests needs.
/// </summary>
internal sealed class FakeRagService : IAsyncDisposable
{
    private static readonly string[] Tokens = ["LoRA ", "trains ", "65,536 ", "parameters [1]."];

    private readonly HttpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;
    private readonly SemaphoreSlim _slots;
    private readonly TimeSpan _answerTime;
    private readonly string? _apiKey;
    private readonly int _jsonAnswersBeforeFailing;
    private int _jsonAnswers;
    private int _streamedAnswers;
    private int _tooManyRequests;
    private int _serverErrors;

    private FakeRagService(HttpListener listener, string url, int slots, TimeSpan answerTime, string? apiKey, int jsonAnswersBeforeFailing)
    {
        _listener = listener;
        Url = url;
        _slots = new SemaphoreSlim(slots, slots);
        _answerTime = answerTime;
        _apiKey = apiKey;
        _jsonAnswersBeforeFailing = jsonAnswersBeforeFailing;
        _accepting = Task.Run(AcceptAsync);
    }

    /// <summary>The base URL, as <c>--url</c> takes it.</summary>
    public string Url { get; }

    /// <summary>JSON answers sent with 200.</summary>
    public int JsonAnswers => Volatile.Read(ref _jsonAnswers);

    /// <summary>Event streams finished with their <c>done</c> event.</summary>
    public int StreamedAnswers => Volatile.Read(ref _streamedAnswers);

    /// <summary>Asks refused with 429 because every slot was taken.</summary>
    public int TooManyRequests => Volatile.Read(ref _tooManyRequests);

    /// <summary>JSON asks answered with 500.</summary>
    public int ServerErrors => Volatile.Read(ref _serverErrors);

    /// <summary>
    /// Starts the fake: <paramref name="slots"/> asks at a time, each taking <paramref name="answerTime"/>; with
    /// <paramref name="apiKey"/>, asks without <c>Authorization: Bearer</c> that key get 401; after
    /// <paramref name="jsonAnswersBeforeFailing"/> JSON answers (0: never), every JSON ask gets 500.
    /// </summary>
    public static Task<FakeRagService> StartAsync(int slots, TimeSpan answerTime, string? apiKey = null, int jsonAnswersBeforeFailing = 0)
    {
        var (listener, baseAddress) = LoopbackListener.Start();
        return Task.FromResult(new FakeRagService(listener, baseAddress.ToString().TrimEnd('/'), slots, answerTime, apiKey, jsonAnswersBeforeFailing));
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or OperationCanceledException)
        {
            // Stopping ends the wait for the next request.
        }

        _listener.Close();
        _slots.Dispose();
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var context = await _listener.GetContextAsync();
            _ = Task.Run(async () =>
            {
                try
                {
                    await AskAsync(context);
                }
                catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
                {
                    // The client went away.
                }
                finally
                {
                    context.Response.Close();
                }
            });
        }
    }

    private async Task AskAsync(HttpListenerContext context)
    {
        var response = context.Response;
        if (context.Request.HttpMethod != "POST" || context.Request.Url?.AbsolutePath != "/api/ask")
        {
            response.StatusCode = (int)HttpStatusCode.NotFound;
            return;
        }

        if (_apiKey is not null && context.Request.Headers["Authorization"] != $"Bearer {_apiKey}")
        {
            response.StatusCode = (int)HttpStatusCode.Unauthorized;
            return;
        }

        using var body = await JsonDocument.ParseAsync(context.Request.InputStream);
        if (!body.RootElement.TryGetProperty("question", out var question) || string.IsNullOrWhiteSpace(question.GetString()))
        {
            response.StatusCode = (int)HttpStatusCode.BadRequest;
            return;
        }

        if (!_slots.Wait(0))
        {
            Interlocked.Increment(ref _tooManyRequests);
            response.StatusCode = (int)HttpStatusCode.TooManyRequests;
            response.Headers["Retry-After"] = "1";
            await WriteJsonAsync(response, new { title = "Too many requests", status = 429, detail = "Every answer slot is busy; retry after 1 s." });
            return;
        }

        if ((context.Request.Headers["Accept"] ?? "").Contains("text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            await StreamAsync(response);
            return;
        }

        await Task.Delay(_answerTime);
        // The slot is freed before the answer is written, so a client that asks again as soon as it has the answer finds it free.
        _slots.Release();
        if (_jsonAnswersBeforeFailing > 0 && JsonAnswers >= _jsonAnswersBeforeFailing)
        {
            Interlocked.Increment(ref _serverErrors);
            response.StatusCode = (int)HttpStatusCode.InternalServerError;
            await WriteJsonAsync(response, new { title = "The answer failed", status = 500, detail = "The generator is gone." });
            return;
        }

        Interlocked.Increment(ref _jsonAnswers);
        await WriteJsonAsync(response, new { text = string.Concat(Tokens), kind = "generated", sources = Array.Empty<object>() });
    }

    private static async Task WriteJsonAsync(HttpListenerResponse response, object body)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body);
        response.ContentType = "application/json";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
    }

    /// <summary>The service's event format: <c>event: name</c>, one compact JSON <c>data:</c> line, a blank line.</summary>
    private async Task StreamAsync(HttpListenerResponse response)
    {
        response.ContentType = "text/event-stream";
        response.SendChunked = true;
        var pause = _answerTime / (Tokens.Length + 1);
        await Task.Delay(pause);
        foreach (var token in Tokens)
        {
            await WriteEventAsync(response, "token", new { text = token });
            await Task.Delay(pause);
        }

        await WriteEventAsync(response, "sources", new { sources = Array.Empty<object>() });
        _slots.Release();
        Interlocked.Increment(ref _streamedAnswers);
        await WriteEventAsync(response, "done", new { kind = "generated", timings = new { retrievalMs = 1.0, timeToFirstTokenMs = pause.TotalMilliseconds, totalMs = _answerTime.TotalMilliseconds } });
    }

    private static async Task WriteEventAsync(HttpListenerResponse response, string name, object data)
    {
        await response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes($"event: {name}\ndata: {JsonSerializer.Serialize(data)}\n\n"));
        await response.OutputStream.FlushAsync();
    }
}
