using System.ComponentModel;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using RagStack.Answering;
using RagStack.Cli.Hosting;
using RagStack.Ingestion;
using RagStack.Onnx;
using RagStack.Retrieval;
using RagStack.Storage;
using Spectre.Console;
using Spectre.Console.Cli;

namespace RagStack.Cli.Evaluation;

/// <summary>
/// <c>ragstack eval suite</c>: the paraphrase set (<c>corpora/quenby-island</c>), <c>corpora/genai-engineering</c> and
/// SciFact test side by side, for hybrid, dense and keyword retrieval, under the previous defaults and the current ones
/// in the same run, with each set's question/passage word overlap and the extractive answers' first-sentence hit rate.
/// </summary>
internal sealed class EvalSuiteCommand : AsyncCommand<EvalSuiteCommand.Settings>
{
    internal sealed class Settings : EvalQuestionsCommand.Settings
    {
        [CommandOption("--sets <SETS>")]
        [Description("Comma-separated sets: quenby, genai, scifact. Default: all three.")]
        [DefaultValue("quenby,genai,scifact")]
        public string Sets { get; init; } = "quenby,genai,scifact";

        [CommandOption("--split <SPLIT>")]
        [Description("Split of the paraphrase set: test (report these), dev (tune on these) or all.")]
        [DefaultValue("test")]
        public string Split { get; init; } = "test";

        [CommandOption("--corpora <FOLDER>")]
        [Description("Folder holding quenby-island and genai-engineering. Default: corpora.")]
        [DefaultValue("corpora")]
        public string Corpora { get; init; } = "corpora";

        [CommandOption("--scifact-data <FOLDER>")]
        [Description("Folder holding SciFact's scifact.zip. Default: ../shared/datasets/scifact.")]
        [DefaultValue("../shared/datasets/scifact")]
        public string SciFactData { get; init; } = "../shared/datasets/scifact";

        [CommandOption("--no-previous")]
        [Description("Leave out the previous defaults (faster when tuning).")]
        public bool NoPrevious { get; init; }

        [CommandOption("--no-answers")]
        [Description("Leave out the extractive answer check.")]
        public bool NoAnswers { get; init; }

        [CommandOption("--fusion <METHOD>")]
        [Description("Override for the current configuration: ReciprocalRank, Convex or DistributionBased.")]
        public FusionMethod? Fusion { get; init; }

        [CommandOption("--dense-weight <W>")]
        public double? DenseWeight { get; init; }

        [CommandOption("--keyword-weight <W>")]
        public double? KeywordWeight { get; init; }

        [CommandOption("--adaptive <BOOL>")]
        [Description("Override: scale the keyword weight by the query's lexical evidence (true/false).")]
        public bool? Adaptive { get; init; }

        [CommandOption("--adaptive-exponent <P>")]
        [Description("Override: the power the lexical evidence is raised to (see RetrievalOptions.AdaptiveExponent).")]
        public double? AdaptiveExponent { get; init; }

        [CommandOption("--rerank <METHOD>")]
        [Description("Override: the reranker after fusion (None, Sentences, CrossEncoder; see RetrievalOptions.Rerank).")]
        public RerankMethod? Rerank { get; init; }

        [CommandOption("--rerank-candidates <N>")]
        [Description("Override: how many fused candidates the reranker scores.")]
        public int? RerankCandidates { get; init; }

        [CommandOption("--evidence-floor <E>")]
        [Description("Override: lexical evidence counted as none (see RetrievalOptions.EvidenceFloor).")]
        public double? EvidenceFloor { get; init; }

        [CommandOption("--evidence-ceiling <E>")]
        [Description("Override: lexical evidence counted in full (see RetrievalOptions.EvidenceCeiling).")]
        public double? EvidenceCeiling { get; init; }

        [CommandOption("--pack-tokens <N>")]
        [Description("Override: the chunker's packing budget (see ChunkingOptions.PackTokens).")]
        public int? PackTokens { get; init; }

        [CommandOption("--extractive-sentences <N>")]
        [Description("Override: sentences an extractive answer shows (0: whole passages, as before).")]
        public int? ExtractiveSentences { get; init; }

        public override ValidationResult Validate() =>
            Split is "test" or "dev" or "all" ? ValidationResult.Success() : ValidationResult.Error("--split is test, dev or all");
    }

    /// <summary>One configuration of chunking, fusion and extractive answers.</summary>
    private sealed record Configuration(string Name, Action<IngestionOptions> Ingestion, Action<RetrievalOptions> Retrieval, Action<AnsweringOptions> Answering, int PackTokens);

    /// <summary>One question of a set: the item that answers it and, for corpora, the section and answer string.</summary>
    private sealed record SetQuestion(EvalQuery Query, string Document, string? Section, string? Answer);

    private sealed record EvalSet(string Name, string Index, IReadOnlyList<SetQuestion> Questions, IReadOnlyList<IngestRequest> Documents, int? ChunkTokens, int Top, Func<string, string> ItemOf);

    private sealed record Row(string Set, string Configuration, EvalScores Scores, double? FirstSentenceHits);

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var sets = Sets(settings);
        var configurations = new List<Configuration>();
        if (!settings.NoPrevious)
        {
            configurations.Add(new Configuration(
                "previous default",
                i => i.Chunking.PackTokens = int.MaxValue,
                r =>
                {
                    r.Fusion = FusionMethod.Convex;
                    r.DenseWeight = 0.4;
                    r.KeywordWeight = 0.6;
                    r.AdaptiveKeywordWeight = false;
                },
                a => a.ExtractiveSentences = 0,
                int.MaxValue));
        }

        var defaults = new IngestionOptions().Chunking.PackTokens;
        configurations.Add(new Configuration(
            settings.Fusion is null && settings.DenseWeight is null && settings.KeywordWeight is null && settings.Adaptive is null && settings.AdaptiveExponent is null && settings.EvidenceFloor is null && settings.EvidenceCeiling is null && settings.Rerank is null && settings.RerankCandidates is null && settings.PackTokens is null ? "new default" : "new, overridden",
            i => i.Chunking.PackTokens = settings.PackTokens ?? i.Chunking.PackTokens,
            r =>
            {
                r.Fusion = settings.Fusion ?? r.Fusion;
                r.DenseWeight = settings.DenseWeight ?? r.DenseWeight;
                r.KeywordWeight = settings.KeywordWeight ?? r.KeywordWeight;
                r.AdaptiveKeywordWeight = settings.Adaptive ?? r.AdaptiveKeywordWeight;
                r.AdaptiveExponent = settings.AdaptiveExponent ?? r.AdaptiveExponent;
                r.EvidenceFloor = settings.EvidenceFloor ?? r.EvidenceFloor;
                r.EvidenceCeiling = settings.EvidenceCeiling ?? r.EvidenceCeiling;
                r.Rerank = settings.Rerank ?? r.Rerank;
                r.RerankCandidates = settings.RerankCandidates ?? r.RerankCandidates;
            },
            a => a.ExtractiveSentences = settings.ExtractiveSentences ?? a.ExtractiveSentences,
            settings.PackTokens ?? defaults));

        var rows = new List<Row>();
        var overlaps = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var set in sets)
        {
            foreach (var configuration in configurations)
            {
                // SciFact abstracts are one paragraph under their title, so packing cannot change their chunks: one index serves both.
                var key = set.ChunkTokens is { } tokens ? $"scifact-{EmbeddingModelKind.ArcticXs}-c{tokens}" : $"eval-{set.Name}-{EmbeddingModelKind.ArcticXs}-p{(configuration.PackTokens == int.MaxValue ? "all" : configuration.PackTokens.ToString(CultureInfo.InvariantCulture))}";
                var folder = DataFolder.Open(Path.Combine(settings.ResolveDataDir(), "benchmarks", key.ToLowerInvariant()), EmbeddingModelKind.ArcticXs);
                await using var services = CliServices.Build(
                    folder,
                    ingestion =>
                    {
                        configuration.Ingestion(ingestion);
                        ingestion.Chunking.MaxTokens = set.ChunkTokens ?? ingestion.Chunking.MaxTokens;
                    },
                    configuration.Retrieval,
                    answering: configuration.Answering);
                await IngestAsync(services.GetRequiredService<IDocumentIngestor>(), set, cancellationToken);
                var retriever = services.GetRequiredService<IRetriever>();
                var queries = set.Questions.Select(q => q.Query).ToList();
                foreach (var mode in new[] { SearchMode.Hybrid, SearchMode.Dense, SearchMode.Keyword })
                {
                    SearchRequest Request(EvalQuery q) => new() { Query = q.Text, Index = set.Index, Top = set.Top, Mode = mode };
                    var scores = await RetrievalEvaluation.RunAsync(mode.ToString().ToLowerInvariant(), retriever, queries, Request, (_, r) => set.ItemOf(r.Citation.DocumentName), null, cancellationToken);
                    double? hits = mode == SearchMode.Hybrid && !settings.NoAnswers && set.Questions[0].Answer is not null
                        ? await FirstSentenceHitsAsync(services.GetRequiredService<IAnswerer>(), set, cancellationToken)
                        : null;
                    rows.Add(new Row(set.Name, configuration.Name, scores, hits));
                }

                overlaps[set.Name] = await OverlapAsync(services.GetRequiredService<IChunkStore>(), set, cancellationToken);
            }
        }

        if (settings.Json)
        {
            Output.Json(new { split = settings.Split, overlaps, results = rows });
            return 0;
        }

        var table = new Table().Border(TableBorder.Rounded)
            .Title($"Retrieval in the user's words and in the text's words (paraphrase split: {settings.Split})")
            .AddColumns("set", "questions", "word overlap", "configuration", "retrieval", "top-1 doc", "recall@5", "nDCG@10", "MRR@10", "1st sentence hit", "median ms");
        foreach (var row in rows)
        {
            var set = sets.First(s => s.Name == row.Set);
            table.AddRow(
                row.Set,
                set.Questions.Count.ToString(CultureInfo.InvariantCulture),
                F(overlaps[row.Set]),
                row.Configuration,
                row.Scores.System,
                F(row.Scores.RecallAt1),
                F(row.Scores.RecallAt5),
                F(row.Scores.NdcgAt10),
                F(row.Scores.Mrr),
                row.FirstSentenceHits is { } h ? F(h) : "",
                row.Scores.MedianMs.ToString("0.0", CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("[grey]targets: quenby test top-1 ≥ 0.85; hybrid ≥ best single mode − 0.01 on every set; SciFact nDCG@10 ≥ 0.73; genai recall@5 ≥ 0.95; first-sentence hit ≥ 0.80 (quenby + genai)[/]");
        AnsiConsole.MarkupLine("[grey]word overlap: the share of a question's content words (stems) found in the passage that answers it (its section, or the whole document), averaged[/]");
        return 0;
    }

    private static List<EvalSet> Sets(Settings settings)
    {
        var names = settings.Sets.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var sets = new List<EvalSet>();
        foreach (var name in names)
        {
            switch (name.ToLowerInvariant())
            {
                case "quenby":
                    sets.Add(Corpus("quenby", Path.Combine(settings.Corpora, "quenby-island"), settings.Split));
                    break;
                case "genai":
                    sets.Add(Corpus("genai", Path.Combine(settings.Corpora, "genai-engineering"), "all"));
                    break;
                case "scifact":
                    var dataset = SciFactDataset.Load(settings.SciFactData);
                    var questions = dataset.Test.Select(c => new SetQuestion(new EvalQuery(c.Id, c.Text, c.Relevant), c.Relevant.First(), null, null)).ToList();
                    // Chunks are ranked and a document counts once, so ask for enough chunks to fill ten documents.
                    sets.Add(new EvalSet("scifact", "scifact", questions, dataset.Corpus.Select(d => d.ToIngestRequest("scifact")).ToList(), 470, 40, n => Path.GetFileNameWithoutExtension(n)));
                    break;
                default:
                    throw new InvalidOperationException($"--sets: unknown set '{name}' (quenby, genai, scifact).");
            }
        }

        return sets;
    }

    private static EvalSet Corpus(string name, string folder, string split)
    {
        var file = Path.Combine(folder, "questions.jsonl");
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"{file} not found: run from the repository root or pass --corpora <folder>.");
        }

        var questions = EvalQuestionsCommand.Load(file)
            .Where(q => split == "all" || q.Split is null || string.Equals(q.Split, split, StringComparison.OrdinalIgnoreCase))
            .Select(q => new SetQuestion(new EvalQuery(q.Id!, q.Question, new HashSet<string>([q.Document], StringComparer.Ordinal)), q.Document, q.Section, q.Answer))
            .ToList();
        var documents = SourceFiles.Expand([folder], out _)
            .Select(f => new IngestRequest { Name = f.Name, Index = name, OpenContent = () => File.OpenRead(f.Path) })
            .ToList();
        return new EvalSet(name, name, questions, documents, null, 10, n => n);
    }

    private static async Task IngestAsync(IDocumentIngestor ingestor, EvalSet set, CancellationToken cancellationToken)
    {
        var failed = new List<string>();
        await foreach (var result in ingestor.IngestManyAsync(set.Documents, cancellationToken))
        {
            if (result.Outcome == IngestOutcome.Failed)
            {
                failed.Add($"{result.Request.Name}: {result.Error}");
            }
        }

        if (failed.Count > 0)
        {
            throw new InvalidOperationException($"{set.Name}: {failed.Count} documents failed to ingest: {string.Join("; ", failed)}");
        }
    }

    /// <summary>The share of questions whose expected answer is in the first sentence the extractive answer shows.</summary>
    private static async Task<double> FirstSentenceHitsAsync(IAnswerer answerer, EvalSet set, CancellationToken cancellationToken)
    {
        var hits = 0;
        foreach (var question in set.Questions)
        {
            var answer = await answerer.AskAsync(new AskRequest { Question = question.Query.Text, Index = set.Index }, cancellationToken);
            if (answer.Kind == AnswerKind.Extractive && AnswerMatch.Holds(AnswerMatch.FirstSentence(answer.Text), question.Answer!))
            {
                hits++;
            }
        }

        return (double)hits / Math.Max(1, set.Questions.Count);
    }

    private static async Task<double> OverlapAsync(IChunkStore store, EvalSet set, CancellationToken cancellationToken)
    {
        var total = 0.0;
        foreach (var question in set.Questions)
        {
            var passage = new List<string>();
            foreach (var document in question.Query.Relevant)
            {
                var name = set.ChunkTokens is null ? document : $"{document}.md";
                var chunks = await store.GetDocumentChunksAsync("local", set.Index, DocumentIds.ForDocument("local", set.Index, name), cancellationToken);
                var section = chunks.Where(c => question.Section is not null && c.SectionPath.Contains(question.Section, StringComparer.Ordinal)).ToList();
                passage.AddRange((section.Count > 0 ? section : chunks).Select(c => c.Text));
            }

            total += ContentWords.Overlap(question.Query.Text, string.Join('\n', passage));
        }

        return total / Math.Max(1, set.Questions.Count);
    }

    private static string F(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
