using System.ComponentModel;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RagStack.Cli.Hosting;
using RagStack.Ingestion;
using RagStack.Onnx;
using Spectre.Console;
using Spectre.Console.Cli;

namespace RagStack.Cli.Ingest;

/// <summary><c>ragstack ingest</c>: files, folders or globs into an index, with a progress bar and a summary table.</summary>
internal sealed class IngestCommand : AsyncCommand<IngestCommand.Settings>
{
    internal sealed class Settings : IndexSettings
    {
        [CommandArgument(0, "<PATHS>")]
        [Description("Files, folders (walked recursively, honouring .ragstackignore) or globs such as \"docs/**/*.pdf\".")]
        public string[] Paths { get; init; } = [];

        [CommandOption("-t|--tag <TAG>")]
        [Description("Tag every ingested document (repeatable); searches can filter by tag.")]
        public string[] Tags { get; init; } = [];

        [CommandOption("--pdf-password <PASSWORD>")]
        [Description("Password to try on encrypted PDFs (repeatable).")]
        public string[] PdfPasswords { get; init; } = [];

        [CommandOption("--embedding-model <MODEL>")]
        [Description("ArcticXs (default), MiniLM or ArcticXsMiniLM, each -int8 (the default) or -fp32 (ArcticXs-fp32); fixed for a data folder on its first ingest.")]
        public EmbeddingVariant? EmbeddingModel { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var files = SourceFiles.Expand(settings.Paths, out var missing);
        foreach (var path in missing)
        {
            Output.Error($"{path}: no such file, folder or matching glob");
        }

        if (files.Count == 0)
        {
            Output.Error("nothing to ingest");
            return 2;
        }

        var folder = DataFolder.Open(settings.ResolveDataDir(), settings.EmbeddingModel?.Model, settings.EmbeddingModel?.Precision);
        await using var services = CliServices.Build(folder);
        var ingestor = services.GetRequiredService<IDocumentIngestor>();
        var requests = files.Select(f => new IngestRequest
        {
            Name = f.Name,
            OpenContent = () => File.OpenRead(f.Path),
            Index = settings.Index,
            Tenant = settings.Tenant,
            Tags = settings.Tags,
            PdfPasswords = settings.PdfPasswords,
        }).ToList();

        var results = new List<IngestResult>();
        var started = TimeProvider.System.GetTimestamp();
        if (settings.Json || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            await foreach (var result in ingestor.IngestManyAsync(requests, cancellationToken))
            {
                results.Add(result);
                if (!settings.Json)
                {
                    PrintLine(result);
                }
            }
        }
        else
        {
            await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask($"Ingesting {files.Count} files into [bold]{Markup.Escape(settings.Index)}[/]", maxValue: files.Count);
                    await foreach (var result in ingestor.IngestManyAsync(requests, cancellationToken))
                    {
                        results.Add(result);
                        task.Increment(1);
                    }
                });
        }

        var elapsed = TimeProvider.System.GetElapsedTime(started);
        if (settings.Json)
        {
            Output.Json(new
            {
                dataDir = folder.Path,
                index = settings.Index,
                seconds = elapsed.TotalSeconds,
                documents = results.Select(r => new
                {
                    name = r.Request.Name,
                    id = r.Document?.Id,
                    outcome = r.Outcome.ToString().ToLowerInvariant(),
                    chunks = r.ChunkCount,
                    pages = r.Document?.PageCount,
                    contentType = r.Document?.ContentType,
                    error = r.Error,
                }),
            });
        }
        else
        {
            PrintSummary(results, folder, settings.Index, elapsed);
        }

        return results.Exists(r => r.Outcome == IngestOutcome.Failed) || missing.Count > 0 ? 1 : 0;
    }

    private static void PrintLine(IngestResult result)
    {
        switch (result.Outcome)
        {
            case IngestOutcome.Failed:
                Output.Error($"{result.Request.Name}: {result.Error}");
                break;
            default:
                AnsiConsole.MarkupLine($"{Markup.Escape(result.Request.Name)}: {result.Outcome.ToString().ToLowerInvariant()}, {result.ChunkCount} chunks");
                break;
        }
    }

    private static void PrintSummary(List<IngestResult> results, DataFolder folder, string index, TimeSpan elapsed)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("document", "type", "pages", "chunks", "outcome", "seconds");
        foreach (var r in results)
        {
            var outcome = r.Outcome switch
            {
                IngestOutcome.Failed => $"[red]failed: {Markup.Escape(r.Error ?? "")}[/]",
                IngestOutcome.Unchanged => "[grey]unchanged[/]",
                _ => "[green]ingested[/]",
            };
            table.AddRow(
                Markup.Escape(r.Request.Name),
                Output.ShortType(r.Document?.ContentType),
                r.Document?.PageCount?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
                r.ChunkCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                outcome,
                r.Elapsed.TotalSeconds.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
        var ingested = results.Count(r => r.Outcome == IngestOutcome.Ingested);
        var unchanged = results.Count(r => r.Outcome == IngestOutcome.Unchanged);
        var failed = results.Count(r => r.Outcome == IngestOutcome.Failed);
        var chunks = results.Where(r => r.Outcome == IngestOutcome.Ingested).Sum(r => r.ChunkCount);
        AnsiConsole.MarkupLine($"{ingested} ingested ({chunks} chunks), {unchanged} unchanged, {(failed > 0 ? $"[red]{failed} failed[/]" : "0 failed")} in {elapsed.TotalSeconds:0.0} s → index [bold]{Markup.Escape(index)}[/] in {Markup.Escape(folder.Path)}");
        foreach (var r in results.Where(r => r.Outcome == IngestOutcome.Failed))
        {
            Output.Error($"{r.Request.Name}: {r.Error}");
        }
    }
}
