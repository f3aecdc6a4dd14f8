using System.ComponentModel;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using RagStack.Cli.Hosting;
using RagStack.Input;
using RagStack.Onnx;
using RagStack.Retrieval;
using Spectre.Console;
using Spectre.Console.Cli;

namespace RagStack.Cli.Search;

/// <summary><c>ragstack search</c>: the best chunks for a query, with their citations.</summary>
internal sealed class SearchCommand : AsyncCommand<SearchCommand.Settings>
{
    internal sealed class Settings : IndexSettings
    {
        [CommandArgument(0, "<QUERY>")]
        [Description("What to search for, in plain words.")]
        public string Query { get; init; } = "";

        [CommandOption("-k|--top <N>")]
        [Description("How many chunks to show. Default: 5.")]
        [DefaultValue(5)]
        public int Top { get; init; } = 5;

        [CommandOption("--mode <MODE>")]
        [Description("hybrid (default), dense or keyword.")]
        [DefaultValue("hybrid")]
        public string ModeName { get; init; } = "hybrid";

        /// <summary>The mode <see cref="ModeName"/> names; read by its names only, never as a number or a list of flags.</summary>
        public SearchMode Mode => DefinedNames.TryParse<SearchMode>(ModeName, out var mode) ? mode : SearchMode.Hybrid;

        [CommandOption("-t|--tag <TAG>")]
        [Description("Only chunks of documents with one of these tags (repeatable).")]
        public string[] Tags { get; init; } = [];

        [CommandOption("-d|--document <ID>")]
        [Description("Only chunks of these documents (repeatable).")]
        public string[] Documents { get; init; } = [];

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Query) ? ValidationResult.Error("The query is empty.")
            : Top is < 1 or > 1000 ? ValidationResult.Error("--top must be between 1 and 1000.")
            : !DefinedNames.TryParse<SearchMode>(ModeName, out _) ? ValidationResult.Error($"--mode must be one of {DefinedNames.List<SearchMode>()}, not {UntrustedText.Quote(ModeName, 32)}.")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var folder = DataFolder.Open(settings.ResolveDataDir(), requested: null);
        await using var services = CliServices.Build(folder);
        var retriever = services.GetRequiredService<IRetriever>();
        var results = await retriever.SearchAsync(new SearchRequest
        {
            Query = settings.Query,
            Index = settings.Index,
            Tenant = settings.Tenant,
            Top = settings.Top,
            Mode = settings.Mode,
            Tags = settings.Tags.Length > 0 ? settings.Tags : null,
            DocumentIds = settings.Documents.Length > 0 ? settings.Documents : null,
        }, cancellationToken);

        if (settings.Json)
        {
            Output.Json(results.Select((r, i) => new
            {
                rank = i + 1,
                score = r.Score,
                documentId = r.Citation.DocumentId,
                document = r.Citation.DocumentName,
                page = r.Citation.Page,
                section = r.Citation.Section,
                start = r.Citation.Start,
                end = r.Citation.End,
                chunkId = r.Chunk.Id,
                text = r.Chunk.Text,
            }));
            return 0;
        }

        if (results.Count == 0)
        {
            AnsiConsole.MarkupLine($"No results in index [bold]{Markup.Escape(settings.Index)}[/]. Ingest documents first: ragstack ingest <folder> --index {Markup.Escape(settings.Index)}");
            return 0;
        }

        for (var i = 0; i < results.Count; i++)
        {
            var r = results[i];
            var header = $"[bold][[{i + 1}]][/] {Markup.Escape(r.Citation.ToString())}  [grey]score {r.Score.ToString("0.0000", CultureInfo.InvariantCulture)}[/]";
            AnsiConsole.Write(new Panel(new Text(Snippet(r.Chunk.Text))).Header(header).Border(BoxBorder.Rounded).Expand());
        }

        return 0;
    }

    private static string Snippet(string text)
    {
        var flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= 600 ? flat : flat[..600] + "…";
    }
}
