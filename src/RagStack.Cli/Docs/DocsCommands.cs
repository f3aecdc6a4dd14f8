using System.ComponentModel;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using RagStack.Cli.Arguments;
using RagStack.Cli.Hosting;
using RagStack.Documents;
using RagStack.Ingestion;
using RagStack.Onnx;
using RagStack.Storage;
using Spectre.Console;
using Spectre.Console.Cli;

namespace RagStack.Cli.Docs;

/// <summary>Settings of the commands that name one document by id or by name.</summary>
internal sealed class DocumentSettings : IndexSettings
{
    [CommandArgument(0, "<DOCUMENT>")]
    [Description("Document id, or its name as listed by 'docs list'.")]
    public string Document { get; init; } = "";

    /// <summary>Finds the document by id, else by name in the chosen index.</summary>
    public async Task<DocumentRecord?> FindAsync(IDocumentCatalog catalog, CancellationToken cancellationToken) =>
        await catalog.GetAsync(Tenant, Document, cancellationToken)
        ?? (await catalog.ListAsync(Tenant, Index, cancellationToken)).FirstOrDefault(d => d.Name == Document);
}

/// <summary><c>ragstack docs list</c>: the documents of an index (or all) with their status.</summary>
internal sealed class DocsListCommand : AsyncCommand<DocsListCommand.Settings>
{
    internal sealed class Settings : CliSettings
    {
        [CommandOption("-i|--index <NAME>")]
        [Description("Only this index. Default: all indexes.")]
        [IndexName]
        public string? Index { get; init; }

        [CommandOption("--tenant <TENANT>", IsHidden = true)]
        [DefaultValue("local")]
        public string Tenant { get; init; } = "local";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var folder = DataFolder.Open(settings.ResolveDataDir(), requested: null);
        await using var services = CliServices.Build(folder);
        var documents = await services.GetRequiredService<IDocumentCatalog>().ListAsync(settings.Tenant, settings.Index, cancellationToken);
        if (settings.Json)
        {
            Output.Json(documents);
            return 0;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumns("id", "index", "name", "type", "status", "chunks", "updated");
        foreach (var d in documents)
        {
            table.AddRow(
                d.Id,
                Markup.Escape(d.Index),
                Markup.Escape(d.Name),
                Output.ShortType(d.ContentType),
                d.Status == DocumentStatus.Failed ? $"[red]failed at {d.FailedStep}: {Markup.Escape(d.Error ?? "")}[/]" : d.Status.ToString().ToLowerInvariant(),
                d.ChunkCount.ToString(CultureInfo.InvariantCulture),
                d.UpdatedAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"{documents.Count} documents in {Markup.Escape(folder.Path)}");
        return 0;
    }
}

/// <summary><c>ragstack docs show</c>: one document's record, pipeline status and chunks.</summary>
internal sealed class DocsShowCommand : AsyncCommand<DocumentSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, DocumentSettings settings, CancellationToken cancellationToken)
    {
        var folder = DataFolder.Open(settings.ResolveDataDir(), requested: null);
        await using var services = CliServices.Build(folder);
        var document = await settings.FindAsync(services.GetRequiredService<IDocumentCatalog>(), cancellationToken);
        if (document is null)
        {
            Output.Error($"{settings.Document}: no such document in index {settings.Index}");
            return 1;
        }

        var chunks = await services.GetRequiredService<IChunkStore>().GetDocumentChunksAsync(document.Tenant, document.Index, document.Id, cancellationToken);
        if (settings.Json)
        {
            Output.Json(new { document, chunks = chunks.Select(c => new { c.Id, c.Position, c.Page, section = c.Section, c.Start, c.End, c.Text }) });
            return 0;
        }

        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("id", document.Id);
        grid.AddRow("name", Markup.Escape(document.Name));
        grid.AddRow("index", Markup.Escape(document.Index));
        grid.AddRow("type", Markup.Escape(document.ContentType));
        grid.AddRow("size", $"{document.SizeBytes:N0} bytes");
        grid.AddRow("sha-256", document.ContentHash);
        grid.AddRow("status", document.Status.ToString().ToLowerInvariant());
        grid.AddRow("steps", string.Join(" → ", PipelineSteps.All.Select(s => StepState(document, s))));
        if (document.Error is not null)
        {
            grid.AddRow("error", $"[red]{Markup.Escape(document.Error)}[/]");
        }

        grid.AddRow("pages", document.PageCount?.ToString(CultureInfo.InvariantCulture) ?? "");
        grid.AddRow("chunks", chunks.Count.ToString(CultureInfo.InvariantCulture));
        grid.AddRow("tags", Markup.Escape(string.Join(", ", document.Tags)));
        AnsiConsole.Write(grid);
        foreach (var c in chunks)
        {
            var where = string.Join(", ", new[] { c.Page is { } p ? $"p. {p}" : null, c.Section.Length > 0 ? c.Section : null, $"chars {c.Start}–{c.End}" }.OfType<string>());
            AnsiConsole.MarkupLine($"[bold]#{c.Position}[/] [grey]{Markup.Escape(where)}[/]");
            AnsiConsole.WriteLine(c.Text.Length <= 300 ? c.Text : c.Text[..300] + "…");
        }

        return 0;
    }

    private static string StepState(DocumentRecord document, string step)
    {
        var order = PipelineSteps.All.ToList();
        var completed = document.CompletedStep is null ? -1 : order.IndexOf(document.CompletedStep);
        var index = order.IndexOf(step);
        return document.FailedStep == step ? $"[red]{step} ✗[/]" : index <= completed ? $"[green]{step} ✓[/]" : $"[grey]{step}[/]";
    }
}

/// <summary><c>ragstack docs delete</c>: removes a document from its index, the catalog and the blob store.</summary>
internal sealed class DocsDeleteCommand : AsyncCommand<DocumentSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, DocumentSettings settings, CancellationToken cancellationToken)
    {
        var folder = DataFolder.Open(settings.ResolveDataDir(), requested: null);
        await using var services = CliServices.Build(folder);
        var document = await settings.FindAsync(services.GetRequiredService<IDocumentCatalog>(), cancellationToken);
        if (document is null || !await services.GetRequiredService<IDocumentIngestor>().DeleteAsync(document.Tenant, document.Id, cancellationToken))
        {
            Output.Error($"{settings.Document}: no such document in index {settings.Index}");
            return 1;
        }

        if (settings.Json)
        {
            Output.Json(new { deleted = document.Id, name = document.Name });
        }
        else
        {
            AnsiConsole.MarkupLine($"Deleted {Markup.Escape(document.Name)} ({document.Id}) from {Markup.Escape(document.Index)}");
        }

        return 0;
    }
}
