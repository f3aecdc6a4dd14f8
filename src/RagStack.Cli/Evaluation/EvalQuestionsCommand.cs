using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using RagStack.Cli.Hosting;
using RagStack.Onnx;
using RagStack.Retrieval;
using RagStack.Storage;
using Spectre.Console;
using Spectre.Console.Cli;

namespace RagStack.Cli.Evaluation;

/// <summary>
/// <c>ragstack eval --questions</c>: retrieval quality on a question file (JSON lines with <c>question</c>,
/// <c>document</c> and, for paged documents, <c>page</c>), scored per document and per page.
/// </summary>
internal sealed class EvalQuestionsCommand : AsyncCommand<EvalQuestionsCommand.Settings>
{
    internal class Settings : IndexSettings
    {
        [CommandOption("-q|--questions <FILE>")]
        [Description("Question file: one JSON object a line with question, document and optional page.")]
        public string? Questions { get; init; }

        public override ValidationResult Validate() =>
            Questions is null ? ValidationResult.Error("--questions <FILE> is required (or use 'eval scifact').")
            : !File.Exists(Questions) ? ValidationResult.Error($"{Questions}: no such file")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var questions = Load(settings.Questions!);
        var folder = DataFolder.Open(settings.ResolveDataDir(), requested: null);
        await using var services = CliServices.Build(folder);
        if (await services.GetRequiredService<IChunkStore>().CountAsync(settings.Tenant, settings.Index, cancellationToken) == 0)
        {
            Output.Error($"index '{settings.Index}' in {folder.Path} is empty: ingest the corpus first (ragstack ingest <folder> --index {settings.Index})");
            return 1;
        }

        var retriever = services.GetRequiredService<IRetriever>();
        var byDocument = questions.Select(q => new EvalQuery(q.Id!, q.Question, new HashSet<string>([q.Document], StringComparer.Ordinal))).ToList();
        var byPage = questions.Select(q => new EvalQuery(q.Id!, q.Question, new HashSet<string>([PageItem(q.Document, q.Page)], StringComparer.Ordinal))).ToList();
        var pages = questions.ToDictionary(q => q.Id!, q => q.Page is not null, StringComparer.Ordinal);

        var rows = new List<(EvalScores Document, EvalScores Page)>();
        foreach (var mode in new[] { SearchMode.Hybrid, SearchMode.Dense, SearchMode.Keyword })
        {
            SearchRequest Request(EvalQuery q) => new() { Query = q.Text, Index = settings.Index, Tenant = settings.Tenant, Top = 10, Mode = mode };
            var document = await RetrievalEvaluation.RunAsync(mode.ToString().ToLowerInvariant(), retriever, byDocument, Request, (_, r) => r.Citation.DocumentName, null, cancellationToken);
            var page = await RetrievalEvaluation.RunAsync(mode.ToString().ToLowerInvariant(), retriever, byPage, Request, (q, r) => pages[q.Id] ? PageItem(r.Citation.DocumentName, r.Citation.Page) : r.Citation.DocumentName, null, cancellationToken);
            rows.Add((document, page));
        }

        if (settings.Json)
        {
            Output.Json(new { questions = questions.Count, index = settings.Index, results = rows.Select(r => new { byDocument = r.Document, byPage = r.Page }) });
            return 0;
        }

        var table = new Table().Border(TableBorder.Rounded)
            .Title($"{questions.Count} questions from {Markup.Escape(Path.GetFileName(settings.Questions!))} on index {Markup.Escape(settings.Index)}")
            .AddColumns("retrieval", "recall@5 (doc)", "target", "recall@5 (page)", "MRR@10 (doc)", "nDCG@10 (doc)", "nDCG@10 (page)", "median ms");
        foreach (var (document, page) in rows)
        {
            table.AddRow(document.System, F(document.RecallAt5), document.System == "hybrid" ? "≥ 0.950" : "", F(page.RecallAt5), F(document.Mrr), F(document.NdcgAt10), F(page.NdcgAt10), document.MedianMs.ToString("0.0", CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
        return 0;
    }

    private static string PageItem(string document, int? page) => page is null ? document : $"{document}#p{page}";

    private static string F(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>Reads a question file; a line without question or document fails with its file and line number.</summary>
    internal static List<QuestionLine> Load(string path)
    {
        var questions = new List<QuestionLine>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var question = JsonSerializer.Deserialize<QuestionLine>(line)
                ?? throw new InvalidDataException($"{path}:{lineNumber}: not a JSON object");
            if (string.IsNullOrWhiteSpace(question.Question) || string.IsNullOrWhiteSpace(question.Document))
            {
                throw new InvalidDataException($"{path}:{lineNumber}: each line needs \"question\" and \"document\"");
            }

            questions.Add(question with { Id = question.Id ?? $"line{lineNumber}" });
        }

        return questions;
    }

    /// <summary>One line of a question file; section, answer and split are optional.</summary>
    internal sealed record QuestionLine(
        [property: JsonPropertyName("id")] string? Id,
        [property: JsonPropertyName("question")] string Question,
        [property: JsonPropertyName("document")] string Document,
        [property: JsonPropertyName("page")] int? Page,
        [property: JsonPropertyName("section")] string? Section = null,
        [property: JsonPropertyName("answer")] string? Answer = null,
        [property: JsonPropertyName("split")] string? Split = null);
}
