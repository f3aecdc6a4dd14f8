using System.ComponentModel;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using RagStack.Cli.Hosting;
using RagStack.Models.Catalog;
using Spectre.Console;
using Spectre.Console.Cli;

namespace RagStack.Cli.Models;

/// <summary><c>ragstack models pull</c>: downloads a generator model (a catalogue name or a GGUF URL) into the data folder, resuming and verifying it.</summary>
internal sealed class ModelsPullCommand : AsyncCommand<ModelsPullCommand.Settings>
{
    internal sealed class Settings : CliSettings
    {
        [CommandArgument(0, "<NAME|URL>")]
        [Description("A catalogue name (see 'ragstack models list') or the http(s) URL of a .gguf file.")]
        public string Source { get; init; } = "";

        [CommandOption("--sha256 <HASH>")]
        [Description("The file's expected SHA-256; the download is refused when it differs. Default: the catalogue's, if it has one.")]
        public string? Sha256 { get; init; }

        [CommandOption("--use")]
        [Description("Also make it the default model for 'ask'.")]
        public bool Use { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ModelSource source;
        try
        {
            source = ModelCatalog.ResolveSource(settings.Source, settings.Sha256);
        }
        catch (ModelNotFoundException ex)
        {
            Output.Error($"{settings.Source}: {ex.Message}");
            return 1;
        }
        catch (FormatException ex)
        {
            Output.Error($"--sha256: {ex.Message}");
            return 1;
        }

        var store = ModelStore.Open(settings.ResolveDataDir());
        using var http = CreateHttpClient();
        var downloader = new ModelDownloader(http);
        var partial = store.PartialDownloadBytes(source);
        if (partial > 0 && !settings.Json)
        {
            AnsiConsole.MarkupLine($"Resuming {Markup.Escape(source.Name)}: {ByteSize.Format(partial)} already downloaded ({Markup.Escape(source.FileName)}.part).");
        }

        var started = TimeProvider.System.GetTimestamp();
        ModelPullResult result;
        try
        {
            result = settings.Json || !AnsiConsole.Profile.Capabilities.Interactive
                ? await store.PullAsync(source, downloader, progress: null, cancellationToken)
                : await PullWithProgressBarAsync(store, source, downloader, cancellationToken);
        }
        catch (ModelDownloadException ex)
        {
            Output.Error($"{source.Name}: {ex.Message}");
            return 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Output.Error($"{source.Name}: cancelled; run the same command again to resume.");
            return 1;
        }
        catch (IOException ex)
        {
            // Disk full, folder not writable: the partial file stays for a later attempt.
            Output.Error($"{source.Name}: {ex.Message}");
            return 1;
        }

        var model = result.Model;
        if (settings.Use)
        {
            store.SetDefault(model.Name);
        }

        var isDefault = store.DefaultModelPath == model.Path;
        var seconds = TimeProvider.System.GetElapsedTime(started).TotalSeconds;
        if (settings.Json)
        {
            Output.Json(new
            {
                name = model.Name,
                path = model.Path,
                sizeBytes = model.SizeBytes,
                sha256 = model.Sha256,
                checksumVerified = model.ChecksumVerified,
                source = model.SourceUrl,
                alreadyInstalled = result.AlreadyInstalled,
                resumedFrom = result.ResumedFrom,
                isDefault,
                seconds = Math.Round(seconds, 2),
            });
            return 0;
        }

        var name = Markup.Escape(model.Name);
        if (result.AlreadyInstalled)
        {
            AnsiConsole.MarkupLine($"[bold]{name}[/] is already installed: {Markup.Escape(model.Path)} ({ByteSize.Format(model.SizeBytes)})");
        }
        else
        {
            var resumed = result.ResumedFrom > 0 ? $", resumed after {ByteSize.Format(result.ResumedFrom)}" : "";
            AnsiConsole.MarkupLine($"Pulled [bold]{name}[/] → {Markup.Escape(model.Path)} ({ByteSize.Format(model.SizeBytes)} in {seconds.ToString("0.0", CultureInfo.InvariantCulture)} s{resumed})");
        }

        AnsiConsole.MarkupLine(model.ChecksumVerified
            ? $"SHA-256 {model.Sha256} matches the expected checksum."
            : $"[yellow]{Markup.Escape(model.Name)} has no published checksum[/]; recorded the SHA-256 computed while downloading: {model.Sha256}");
        AnsiConsole.MarkupLine(isDefault
            ? "It is the default model for ask."
            : $"Make it the default model for ask: ragstack models use {name}");
        return 0;
    }

    private static async Task<ModelPullResult> PullWithProgressBarAsync(ModelStore store, ModelSource source, ModelDownloader downloader, CancellationToken cancellationToken) =>
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask($"Pulling [bold]{Markup.Escape(source.Name)}[/]");
                task.IsIndeterminate = true;
                var report = new ProgressBarUpdate(task);
                return await store.PullAsync(source, downloader, report, cancellationToken);
            });

    private static HttpClient CreateHttpClient()
    {
        // A short connect timeout makes an offline machine fail in seconds rather than after the OS's minutes-long default;
        // the overall timeout only bounds the wait for headers, since the body of a large model takes as long as it takes.
        var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(15), AutomaticDecompression = DecompressionMethods.None };
        var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("ragstack", typeof(ModelsPullCommand).Assembly.GetName().Version?.ToString(3)));
        return http;
    }

    /// <summary>Moves the bar on the caller's thread: <see cref="Progress{T}"/> would post to the thread pool and could report after the bar is gone.</summary>
    private sealed class ProgressBarUpdate(ProgressTask task) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value)
        {
            if (value.TotalBytes is { } total)
            {
                task.IsIndeterminate = false;
                task.MaxValue = total;
            }

            task.Value = value.BytesReceived;
        }
    }
}
