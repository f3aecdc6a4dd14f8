using System.ComponentModel;
using RagStack.Cli.Arguments;
using RagStack.Cli.Hosting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace RagStack.Cli.Bench.Api;

/// <summary>
/// <c>ragstack bench api</c>: measures running RagStack services over HTTP, one column per URL: streamed time to first token
/// and to the end, the JSON answer's time, then answers per second, 429s and latency under concurrent load. A benchmark,
/// not a test: it only needs the <c>POST /api/ask</c> contract, so it measures the service however it is hosted.
/// </summary>
internal sealed class ApiBenchCommand : AsyncCommand<ApiBenchCommand.Settings>
{
    private const string DefaultUrl = "http://127.0.0.1:5180";
    private const string AskPath = "api/ask";

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

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var targets = settings.Targets();
        using var http = AskEndpoint.CreateHttpClient(settings.ApiKey);
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
                await AskRuns.SequentialAsync(endpoint.StreamAsync, cancellationToken);
                await AskRuns.SequentialAsync(endpoint.AskJsonAsync, cancellationToken);
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
                var latency = await AskRuns.LatencyAsync(endpoint, settings.Runs, cancellationToken);
                LoadResult? load = null;
                if (settings.Duration > 0)
                {
                    Progress(settings, $"{target.Label}: {settings.Concurrency} workers for {settings.Duration} s");
                    load = await AskRuns.LoadAsync(endpoint, settings.Concurrency, TimeSpan.FromSeconds(settings.Duration), cancellationToken);
                }

                results.Add(new TargetResult(target.Label, target.Url, latency, load));
            }
            catch (TargetFailedException e)
            {
                Output.Error($"{target.Url}: {e.Message}");
                return 1;
            }
        }

        ApiBenchReport.Print(settings, results);
        return 0;
    }

    private static void Progress(Settings settings, string message)
    {
        if (!settings.Json)
        {
            AnsiConsole.MarkupLine($"[grey]{Markup.Escape(message)}…[/]");
        }
    }
}
