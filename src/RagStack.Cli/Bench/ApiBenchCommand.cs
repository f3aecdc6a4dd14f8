using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using RagStack.Cli.Arguments;
using RagStack.Cli.Bench.Inference;
using RagStack.Cli.Hosting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace RagStack.Cli.Bench;

/// <summary>
/// <c>ragstack bench api</c>: measures running RagStack services over HTTP, one column per URL: streamed time to first token
/// and to the end, the JSON answer's time, then answers per second, 429s and latency under concurrent load. A benchmark,
/// not a test: it only needs the <c>POST /api/ask</c> contract, so it measures the service however it is hosted.
/// </summary>
internal sealed class ApiBenchCommand : AsyncCommand<ApiBenchCommand.Settings>
{
    private const string DefaultUrl = "http://127.0.0.1:5180";
    private const string AskPath = "api/ask";
    private const int SequentialAttempts = 5;

    /// <summary>The longest a load worker waits on a 429, whatever Retry-After says, and its wait when the header is missing.</summary>
    private static readonly TimeSpan RetryAfterCap = TimeSpan.FromSeconds(1);

    /// <summary>How long a request may wait for its response headers before it counts as failed.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(100);

    /// <summary>Keeps a worker whose requests fail before any HTTP answer (connection refused) from spinning.</summary>
    private static readonly TimeSpan FailurePause = TimeSpan.FromMilliseconds(100);

    internal sealed class Settings : CliSettings
    {
        [CommandOption("--url <URL>")]
        [Description("Base URL of a running RagStack service; repeat it to measure several side by side. Default: " + DefaultUrl + ".")]
        public string[] Urls { get; init; } = [];

        [CommandOption("--label <NAME>")]
        [Description("A column name for each --url, in the same order. Default: the URL.")]
        public string[] Labels { get; init; } = [];

        [CommandOption("--question <TEXT>")]
        [Description("The question to ask. Default: \"how many parameters does LoRA train\".")]
        [DefaultValue("how many parameters does LoRA train")]
        public string Question { get; init; } = "how many parameters does LoRA train";

        [CommandOption("-i|--index <NAME>")]
        [Description("The index to answer from. Default: the service's.")]
        [IndexName]
        public string? Index { get; init; }

        [CommandOption("--max-tokens <N>")]
        [Description("The most tokens an answer may have. Default: 64.")]
        [DefaultValue(64)]
        public int MaxTokens { get; init; } = 64;

        [CommandOption("--runs <N>")]
        [Description("Sequential latency runs per URL, after one warm-up that is not counted. Default: 5.")]
        [DefaultValue(5)]
        public int Runs { get; init; } = 5;

        [CommandOption("--concurrency <N>")]
        [Description("Concurrent workers in the load phase. Default: 16.")]
        [DefaultValue(16)]
        public int Concurrency { get; init; } = 16;

        [CommandOption("--duration <SECONDS>")]
        [Description("Length of the load phase in seconds; 0 skips it. Default: 20.")]
        [DefaultValue(20)]
        public int Duration { get; init; } = 20;

        [CommandOption("--api-key <KEY>")]
        [Description("API key, sent as 'Authorization: Bearer <KEY>'.")]
        public string? ApiKey { get; init; }

        /// <summary>The URLs to measure, with their labels: the default URL when none is given.</summary>
        public IReadOnlyList<Target> Targets()
        {
            string[] urls = Urls is { Length: > 0 } ? Urls : [DefaultUrl];
            return [.. urls.Select((url, i) => new Target(Labels is { } labels && i < labels.Length ? labels[i] : url, url, AskUri(url)!))];
        }

        public override ValidationResult Validate() =>
            Urls?.FirstOrDefault(u => AskUri(u) is null) is { } bad ? ValidationResult.Error($"--url {bad}: not an absolute http(s) URL.")
            : (Labels?.Length ?? 0) > Math.Max(1, Urls?.Length ?? 0) ? ValidationResult.Error("--label is given more often than --url; give one label per URL, in the same order.")
            : string.IsNullOrWhiteSpace(Question) ? ValidationResult.Error("--question is empty.")
            : Index is { } index && string.IsNullOrWhiteSpace(index) ? ValidationResult.Error("--index is empty; leave it out for the service's index.")
            : MaxTokens < 1 ? ValidationResult.Error("--max-tokens must be at least 1.")
            : Runs is < 1 or > 1000 ? ValidationResult.Error("--runs must be between 1 and 1000.")
            : Concurrency is < 1 or > 10_000 ? ValidationResult.Error("--concurrency must be between 1 and 10000.")
            : Duration is < 0 or > 3600 ? ValidationResult.Error("--duration must be between 0 and 3600 seconds.")
            : ValidationResult.Success();

        /// <summary><c>{base}/api/ask</c>, keeping any path the base has (a service behind a prefix); null for a URL that is not absolute http(s).</summary>
        private static Uri? AskUri(string url) =>
            Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var root) && root.Scheme is "http" or "https"
                ? new Uri(root, AskPath)
                : null;
    }

    /// <summary>A service to measure: its column name, the URL as given and its ask endpoint.</summary>
    internal sealed record Target(string Label, string Url, Uri Ask);

    /// <summary>Median, fastest and slowest of the sequential runs, in milliseconds.</summary>
    internal sealed record Spread(double MedianMs, double MinMs, double MaxMs)
    {
        public static Spread Of(List<double> values) => new(Measure.MedianOf([.. values]), values.Min(), values.Max());
    }

    /// <summary>
    /// The sequential runs: time to the first <c>token</c> event (null when the answer streamed no text) and to <c>done</c>,
    /// and the same question answered as JSON.
    /// </summary>
    internal sealed record LatencyResult(int Runs, Spread? TimeToFirstToken, Spread Streamed, Spread Json);

    /// <summary>
    /// The load phase: responses by status, counted over the whole phase (requests still in flight at the end are waited for,
    /// so every response the service sent is counted); rates are per second of that phase.
    /// </summary>
    internal sealed record LoadResult(
        int Concurrency,
        double Seconds,
        int Ok,
        int TooManyRequests,
        int TooManyWithoutRetryAfter,
        int ServerErrors,
        int OtherStatuses,
        int ConnectionErrors,
        double RequestsPerSecond,
        double TooManyPerSecond,
        double? P50Ms,
        double? P95Ms,
        string? FirstError)
    {
        public bool HasErrors => ServerErrors + OtherStatuses + ConnectionErrors > 0;
    }

    /// <summary>Everything measured on one URL.</summary>
    internal sealed record TargetResult(string Label, string Url, LatencyResult Latency, LoadResult? Load);

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var targets = settings.Targets();
        using var http = CreateHttpClient(settings.ApiKey);
        var body = Output.Serialize(new { question = settings.Question, index = settings.Index, maxTokens = settings.MaxTokens });

        // Every URL answers its warm-up before any is measured, so a service that is down fails the run in seconds,
        // not after the others' load phases.
        var endpoints = targets.Select(t => new AskEndpoint(http, t.Ask, body)).ToList();
        var failed = false;
        foreach (var (target, endpoint) in targets.Zip(endpoints))
        {
            try
            {
                Progress(settings, $"{target.Label}: warm-up");
                await SequentialAsync(endpoint.StreamAsync, cancellationToken);
                await SequentialAsync(endpoint.AskJsonAsync, cancellationToken);
            }
            catch (TargetFailedException e)
            {
                Output.Error($"{target.Url}: {e.Message}");
                failed = true;
            }
        }

        if (failed)
        {
            return 1;
        }

        var results = new List<TargetResult>();
        foreach (var (target, endpoint) in targets.Zip(endpoints))
        {
            try
            {
                Progress(settings, $"{target.Label}: {settings.Runs} sequential runs");
                var latency = await LatencyAsync(endpoint, settings.Runs, cancellationToken);
                LoadResult? load = null;
                if (settings.Duration > 0)
                {
                    Progress(settings, $"{target.Label}: {settings.Concurrency} workers for {settings.Duration} s");
                    load = await LoadAsync(endpoint, settings.Concurrency, TimeSpan.FromSeconds(settings.Duration), cancellationToken);
                }

                results.Add(new TargetResult(target.Label, target.Url, latency, load));
            }
            catch (TargetFailedException e)
            {
                Output.Error($"{target.Url}: {e.Message}");
                return 1;
            }
        }

        Print(settings, results);
        return 0;
    }

    private static async Task<LatencyResult> LatencyAsync(AskEndpoint endpoint, int runs, CancellationToken cancellationToken)
    {
        var firstTokens = new List<double>();
        var streamed = new List<double>();
        var json = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var stream = await SequentialAsync(endpoint.StreamAsync, cancellationToken);
            streamed.Add(stream.TotalMs);
            if (stream.FirstTokenMs is { } firstToken)
            {
                firstTokens.Add(firstToken);
            }

            json.Add((await SequentialAsync(endpoint.AskJsonAsync, cancellationToken)).TotalMs);
        }

        return new LatencyResult(runs, firstTokens.Count > 0 ? Spread.Of(firstTokens) : null, Spread.Of(streamed), Spread.Of(json));
    }

    /// <summary>
    /// One sequential ask that must succeed. A 429 means something else is loading the service, so it is waited out and
    /// asked again (the wait is not timed); anything else but 200 fails the URL with the service's reason.
    /// </summary>
    private static async Task<Reply> SequentialAsync(Func<CancellationToken, Task<Reply>> ask, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var reply = await ask(cancellationToken);
            if (reply.Ok)
            {
                return reply;
            }

            if (reply.Status != (int)HttpStatusCode.TooManyRequests)
            {
                throw new TargetFailedException(reply.Error ?? $"answered {reply.Status}");
            }

            if (attempt == SequentialAttempts)
            {
                throw new TargetFailedException($"answered 429 Too Many Requests to {SequentialAttempts} sequential asks in a row; is something else loading it?");
            }

            await Task.Delay(reply.RetryWait, cancellationToken);
        }
    }

    private static async Task<LoadResult> LoadAsync(AskEndpoint endpoint, int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, concurrency)
            .Select(_ => Task.Run(() => WorkAsync(endpoint, started, duration, cancellationToken), cancellationToken))
            .ToList();
        var tallies = await Task.WhenAll(workers);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        var latencies = tallies.SelectMany(t => t.OkMs).Order().ToList();
        var ok = latencies.Count;
        var tooMany = tallies.Sum(t => t.TooMany);
        return new LoadResult(
            concurrency,
            seconds,
            ok,
            tooMany,
            tallies.Sum(t => t.TooManyWithoutRetryAfter),
            tallies.Sum(t => t.ServerErrors),
            tallies.Sum(t => t.OtherStatuses),
            tallies.Sum(t => t.ConnectionErrors),
            ok / seconds,
            tooMany / seconds,
            ok > 0 ? Percentile(latencies, 0.50) : null,
            ok > 0 ? Percentile(latencies, 0.95) : null,
            tallies.Select(t => t.FirstError).FirstOrDefault(e => e is not null));
    }

    /// <summary>One load worker: JSON asks back to back until the phase ends; the ask in flight then is finished and counted.</summary>
    private static async Task<WorkerTally> WorkAsync(AskEndpoint endpoint, long started, TimeSpan duration, CancellationToken cancellationToken)
    {
        var tally = new WorkerTally();
        while (Stopwatch.GetElapsedTime(started) < duration)
        {
            var reply = await endpoint.AskJsonAsync(cancellationToken);
            if (reply.Ok)
            {
                tally.OkMs.Add(reply.TotalMs);
                continue;
            }

            switch (reply.Status)
            {
                case (int)HttpStatusCode.TooManyRequests:
                    tally.TooMany++;
                    tally.TooManyWithoutRetryAfter += reply.RetryAfter is null ? 1 : 0;
                    await Task.Delay(reply.RetryWait, cancellationToken);
                    break;
                case >= 500:
                    tally.ServerErrors++;
                    tally.FirstError ??= reply.Error;
                    break;
                case 0:
                    tally.ConnectionErrors++;
                    tally.FirstError ??= reply.Error;
                    await Task.Delay(FailurePause, cancellationToken);
                    break;
                default:
                    tally.OtherStatuses++;
                    tally.FirstError ??= reply.Error;
                    break;
            }
        }

        return tally;
    }

    private static void Print(Settings settings, List<TargetResult> results)
    {
        var note = $"{settings.Runs} sequential runs per URL after one warm-up (streamed, then JSON); question \"{settings.Question}\", "
            + $"max {settings.MaxTokens} tokens"
            + (settings.Duration > 0
                ? $"; load: {settings.Concurrency} workers posting JSON asks back to back for {settings.Duration} s, requests in flight at the end finished and counted; "
                    + $"on 429 a worker waits the Retry-After, at most {RetryAfterCap.TotalSeconds:0} s ({RetryAfterCap.TotalSeconds:0} s when the header is missing), then asks again"
                : "; no load phase (--duration 0)")
            + $"; client on this machine, {Environment.ProcessorCount} cores.";
        var missing = results.Sum(r => r.Load?.TooManyWithoutRetryAfter ?? 0);
        if (missing > 0)
        {
            note += $" {missing} 429 responses came without a Retry-After header.";
        }

        if (settings.Json)
        {
            Output.Json(new { note, question = settings.Question, index = settings.Index, maxTokens = settings.MaxTokens, targets = results });
            return;
        }

        var table = new Table().Title("[bold]ragstack bench api[/]").AddColumn("measurement");
        foreach (var result in results)
        {
            table.AddColumn(new TableColumn(Markup.Escape(result.Label)).RightAligned());
        }

        Row(table, "TTFT, median (min–max)", results, r => r.Latency.TimeToFirstToken is { } t ? Escaped(SpreadText(t)) : "— (no token events)");
        Row(table, "total streamed, median (min–max)", results, r => Escaped(SpreadText(r.Latency.Streamed)));
        Row(table, "total JSON, median (min–max)", results, r => Escaped(SpreadText(r.Latency.Json)));
        if (settings.Duration > 0)
        {
            Row(table, "load: answers/s (200s)", results, r => Escaped($"{Rate(r.Load!.RequestsPerSecond)} ({r.Load.Ok:N0} in {r.Load.Seconds:F1} s)"));
            Row(table, "load: 429s/s", results, r => Escaped($"{Rate(r.Load!.TooManyPerSecond)} ({r.Load.TooManyRequests:N0})"));
            Row(table, "load: p50 / p95 (200s)", results, r => r.Load!.P50Ms is { } p50 ? Escaped($"{Ms(p50)} / {Ms(r.Load.P95Ms!.Value)}") : "—");
            Row(table, "load: errors", results, r => ErrorsText(r.Load!));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"[grey]{Markup.Escape(note)}[/]");
        foreach (var result in results.Where(r => r.Load?.FirstError is not null && r.Load.HasErrors))
        {
            AnsiConsole.MarkupLine($"[red]{Markup.Escape(result.Label)}: first error under load: {Markup.Escape(result.Load!.FirstError!)}[/]");
        }
    }

    private static void Row(Table table, string name, List<TargetResult> results, Func<TargetResult, string> cell) =>
        table.AddRow([Markup.Escape(name), .. results.Select(cell)]);

    private static string ErrorsText(LoadResult load) => load.HasErrors
        ? $"[bold red]{load.ServerErrors:N0} × 5xx, {load.OtherStatuses:N0} other, {load.ConnectionErrors:N0} connection[/]"
        : "[green]none[/]";

    private static string Escaped(string text) => Markup.Escape(text);

    private static string SpreadText(Spread spread) =>
        $"{Ms(spread.MedianMs)} ({spread.MinMs.ToString("F1", CultureInfo.InvariantCulture)}–{spread.MaxMs.ToString("F1", CultureInfo.InvariantCulture)})";

    private static string Ms(double milliseconds) => milliseconds.ToString("F1", CultureInfo.InvariantCulture) + " ms";

    private static string Rate(double perSecond) => perSecond.ToString("F1", CultureInfo.InvariantCulture) + "/s";

    private static double Percentile(List<double> sorted, double p) =>
        sorted[(int)Math.Clamp(Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static void Progress(Settings settings, string message)
    {
        if (!settings.Json)
        {
            AnsiConsole.MarkupLine($"[grey]{Markup.Escape(message)}…[/]");
        }
    }

    private static HttpClient CreateHttpClient(string? apiKey)
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

    /// <summary>
    /// One ask's outcome: the HTTP status (0 when none came: refused, reset, timed out), its times in milliseconds from
    /// sending, the Retry-After of a 429, and why it failed, in words.
    /// </summary>
    private readonly record struct Reply(int Status, double TotalMs, double? FirstTokenMs, TimeSpan? RetryAfter, string? Error)
    {
        public bool Ok => Status == (int)HttpStatusCode.OK && Error is null;

        public TimeSpan RetryWait => RetryAfter is { } wait && wait < RetryAfterCap ? wait : RetryAfterCap;
    }

    /// <summary>What one load worker saw; workers keep their own so the load phase needs no locks.</summary>
    private sealed class WorkerTally
    {
        public List<double> OkMs { get; } = [];

        public int TooMany { get; set; }

        public int TooManyWithoutRetryAfter { get; set; }

        public int ServerErrors { get; set; }

        public int OtherStatuses { get; set; }

        public int ConnectionErrors { get; set; }

        public string? FirstError { get; set; }
    }

    /// <summary>A URL that cannot be measured, with the reason in words: printed as one line, not a stack trace.</summary>
    private sealed class TargetFailedException(string message) : Exception(message);

    /// <summary>Asks one service's <c>POST /api/ask</c>, streamed or as JSON, timing from the moment the request is sent.</summary>
    private sealed class AskEndpoint(HttpClient http, Uri uri, string body)
    {
        public async Task<Reply> AskJsonAsync(CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var request = Request("application/json");
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
                var total = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                return response.IsSuccessStatusCode
                    ? new Reply((int)response.StatusCode, total, null, null, null)
                    : await FailedAsync(response, total, cancellationToken);
            }
            catch (Exception e) when (Unanswered(e, cancellationToken) is { } reason)
            {
                return new Reply(0, Stopwatch.GetElapsedTime(started).TotalMilliseconds, null, null, reason);
            }
        }

        public async Task<Reply> StreamAsync(CancellationToken cancellationToken)
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
                            return new Reply((int)response.StatusCode, elapsed, firstToken, null, "the stream sent an error event: " + ProblemText(item.Data));
                        case "done":
                            return new Reply((int)response.StatusCode, elapsed, firstToken, null, null);
                    }
                }

                return new Reply((int)response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds, firstToken, null, "the event stream ended without a done event");
            }
            catch (Exception e) when (Unanswered(e, cancellationToken) is { } reason)
            {
                return new Reply(0, Stopwatch.GetElapsedTime(started).TotalMilliseconds, null, null, reason);
            }
        }

        private HttpRequestMessage Request(string accept)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
            return request;
        }

        private static async Task<Reply> FailedAsync(HttpResponseMessage response, double totalMs, CancellationToken cancellationToken)
        {
            var retryAfter = response.Headers.RetryAfter switch
            {
                { Delta: { } delta } => delta,
                { Date: { } date } => date - DateTimeOffset.UtcNow,
                _ => (TimeSpan?)null,
            };
            var status = $"{(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd();
            var detail = ProblemText(await response.Content.ReadAsStringAsync(cancellationToken));
            return new Reply((int)response.StatusCode, totalMs, null, retryAfter, detail.Length > 0 ? $"{status}: {detail}" : status);
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
}
