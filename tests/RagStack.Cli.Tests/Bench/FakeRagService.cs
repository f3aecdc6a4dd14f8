using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RagStack.Cli.Tests.Bench;

/// <summary>
/// Stands in for the RagStack service on real Kestrel on loopback, since <c>bench api</c> needs only its HTTP contract:
/// <c>POST /api/ask</c> answered as JSON or as the service's server-sent events (token, sources, done), a concurrency
/// bound answered with 429 and <c>Retry-After: 1</c>, and counts of every answer it sent.
/// </summary>
internal sealed class FakeRagService : IAsyncDisposable
{
    private static readonly string[] Tokens = ["LoRA ", "trains ", "65,536 ", "parameters [1]."];

    private readonly WebApplication _app;
    private readonly SemaphoreSlim _slots;
    private readonly TimeSpan _answerTime;
    private readonly string? _apiKey;
    private readonly int _jsonAnswersBeforeFailing;
    private int _jsonAnswers;
    private int _streamedAnswers;
    private int _tooManyRequests;
    private int _serverErrors;

    private FakeRagService(int slots, TimeSpan answerTime, string? apiKey, int jsonAnswersBeforeFailing)
    {
        _slots = new SemaphoreSlim(slots, slots);
        _answerTime = answerTime;
        _apiKey = apiKey;
        _jsonAnswersBeforeFailing = jsonAnswersBeforeFailing;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapPost("/api/ask", AskAsync);
    }

    /// <summary>The base URL, as <c>--url</c> takes it.</summary>
    public string Url => _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();

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
    public static async Task<FakeRagService> StartAsync(int slots, TimeSpan answerTime, string? apiKey = null, int jsonAnswersBeforeFailing = 0)
    {
        var service = new FakeRagService(slots, answerTime, apiKey, jsonAnswersBeforeFailing);
        await service._app.StartAsync();
        return service;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _slots.Dispose();
    }

    private async Task AskAsync(HttpContext context)
    {
        var response = context.Response;
        if (_apiKey is not null && context.Request.Headers.Authorization != $"Bearer {_apiKey}")
        {
            response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        using var body = await JsonDocument.ParseAsync(context.Request.Body);
        if (!body.RootElement.TryGetProperty("question", out var question) || string.IsNullOrWhiteSpace(question.GetString()))
        {
            response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        if (!_slots.Wait(0))
        {
            Interlocked.Increment(ref _tooManyRequests);
            response.StatusCode = StatusCodes.Status429TooManyRequests;
            response.Headers.RetryAfter = "1";
            await response.WriteAsJsonAsync(new { title = "Too many requests", status = 429, detail = "Every answer slot is busy; retry after 1 s." });
            return;
        }

        if (context.Request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.OrdinalIgnoreCase))
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
            response.StatusCode = StatusCodes.Status500InternalServerError;
            await response.WriteAsJsonAsync(new { title = "The answer failed", status = 500, detail = "The generator is gone." });
            return;
        }

        Interlocked.Increment(ref _jsonAnswers);
        await response.WriteAsJsonAsync(new { text = string.Concat(Tokens), kind = "generated", sources = Array.Empty<object>() });
    }

    /// <summary>The service's event format: <c>event: name</c>, one compact JSON <c>data:</c> line, a blank line.</summary>
    private async Task StreamAsync(HttpResponse response)
    {
        response.ContentType = "text/event-stream";
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

    private static async Task WriteEventAsync(HttpResponse response, string name, object data)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes($"event: {name}\ndata: {JsonSerializer.Serialize(data)}\n\n"));
        await response.Body.FlushAsync();
    }
}
