using System.ComponentModel;
using System.Globalization;
using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RagStack.Cli.Evaluation;
using RagStack.Cli.Hosting;
using RagStack.Ingestion;
using RagStack.Onnx;
using RagStack.Retrieval;
using RagStack.Storage.Embedded;
using Spectre.Console;
using Spectre.Console.Cli;

namespace RagStack.Cli.Bench;

/// <summary>
/// <c>ragstack bench ingest</c>: end-to-end ingestion throughput (chunks/s: read, hash, store, extract, partition,
/// embed, index) beside the raw embedding call on exactly the texts the pipeline embedded, for the model in fp32 (the
/// reference) and in int8, measured in turns in the same run; then how close the int8 vectors are to the fp32 ones and
/// what each precision retrieves (<c>corpora/genai-engineering</c> recall@5, SciFact nDCG@10).
/// </summary>
internal sealed class IngestBenchCommand : AsyncCommand<IngestBenchCommand.Settings>
{
    private const string Corpus = "corpora/genai-engineering";
    private const string SciFactIndex = "scifact";
    private static readonly EmbeddingPrecision[] Precisions = [EmbeddingPrecision.Fp32, EmbeddingPrecision.Int8];

    internal sealed class Settings : CliSettings
    {
        [CommandOption("--path <FOLDER>")]
        [Description("Documents to ingest for the speed runs. Default: corpora/genai-engineering.")]
        [DefaultValue(Corpus)]
        public string Path { get; init; } = Corpus;

        [CommandOption("--scifact <FOLDER>")]
        [Description("Use SciFact abstracts (the folder with scifact.zip) instead of --path for the speed runs.")]
        public string? SciFact { get; init; }

        [CommandOption("--docs <N>")]
        [Description("How many SciFact abstracts the speed runs ingest. Default: 1000.")]
        [DefaultValue(1000)]
        public int Docs { get; init; } = 1000;

        [CommandOption("--runs <N>")]
        [Description("Runs of each measurement; medians are reported. Default: 3.")]
        [DefaultValue(3)]
        public int Runs { get; init; } = 3;

        [CommandOption("--embedding-model <MODEL>")]
        [Description("ArcticXs (default), MiniLM or ArcticXsMiniLM; it is measured in fp32 and in int8.")]
        [DefaultValue(EmbeddingModelKind.ArcticXs)]
        public EmbeddingModelKind EmbeddingModel { get; init; } = EmbeddingModelKind.ArcticXs;

        [CommandOption("--questions <FILE>")]
        [Description("Questions on --path for recall@5. Default: questions.jsonl in --path, when there is one.")]
        public string? Questions { get; init; }

        [CommandOption("--quality-scifact <FOLDER>")]
        [Description("SciFact (the folder with scifact.zip) for nDCG@10 of each precision on all 5,183 abstracts, minutes of CPU each. Default: ../shared/datasets/scifact, when it is there.")]
        [DefaultValue("../shared/datasets/scifact")]
        public string QualitySciFact { get; init; } = "../shared/datasets/scifact";

        [CommandOption("--no-quality")]
        [Description("Measure speed and cosine only: no recall or nDCG runs.")]
        public bool NoQuality { get; init; }

        public override ValidationResult Validate() =>
            Runs < 1 ? ValidationResult.Error("--runs must be at least 1")
            : Questions is not null && !File.Exists(Questions) ? ValidationResult.Error($"--questions: {Questions}: no such file")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var sources = Sources(settings);
        if (sources.Count == 0)
        {
            Output.Error("no documents to ingest");
            return 2;
        }

        var models = Precisions.ToDictionary(p => p, p => OnnxEmbeddings.Load(new OnnxEmbeddingOptions { Model = settings.EmbeddingModel, Precision = p }));
        try
        {
            var speed = await MeasureSpeedAsync(sources, models, settings.Runs, cancellationToken);
            var cosines = Cosines(speed[EmbeddingPrecision.Fp32], speed[EmbeddingPrecision.Int8]);
            var quality = new Dictionary<EmbeddingPrecision, Quality>();
            string? sciFactSkipped = null;
            if (!settings.NoQuality)
            {
                var questions = settings.Questions ?? System.IO.Path.Combine(settings.Path, "questions.jsonl");
                var sciFact = File.Exists(System.IO.Path.Combine(settings.QualitySciFact, "scifact.zip")) ? SciFactDataset.Load(settings.QualitySciFact) : null;
                sciFactSkipped = sciFact is null ? $"no scifact.zip in {settings.QualitySciFact}" : null;
                foreach (var precision in Precisions)
                {
                    quality[precision] = await MeasureQualityAsync(models[precision], settings.Path, File.Exists(questions) ? questions : null, sciFact, cancellationToken);
                }
            }

            Report(settings, sources.Count, speed, cosines, quality, sciFactSkipped);
            return 0;
        }
        finally
        {
            foreach (var model in models.Values)
            {
                model.Dispose();
            }
        }
    }

    /// <summary>Runs of the pipeline and of the raw call for each precision in turn, so load on the machine falls on both alike.</summary>
    private static async Task<Dictionary<EmbeddingPrecision, Speed>> MeasureSpeedAsync(
        List<IngestRequest> sources, Dictionary<EmbeddingPrecision, OnnxEmbeddingModel> models, int runs, CancellationToken cancellationToken)
    {
        var speed = Precisions.ToDictionary(p => p, _ => new Speed());
        for (var run = 0; run < runs; run++)
        {
            foreach (var precision in Precisions)
            {
                var model = models[precision];
                var result = speed[precision];
                var dataDir = Directory.CreateTempSubdirectory("ragstack-bench-ingest-").FullName;
                IReadOnlyList<string> texts;
                try
                {
                    var recorder = new RecordingEmbeddingGenerator(model.Generator);
                    await using (var services = Services(dataDir, recorder, model))
                    {
                        var ingestor = services.GetRequiredService<IDocumentIngestor>();
                        var started = TimeProvider.System.GetTimestamp();
                        var chunks = 0;
                        await foreach (var ingested in ingestor.IngestManyAsync(sources, cancellationToken))
                        {
                            chunks += ingested.ChunkCount;
                        }

                        result.Pipeline.Add(chunks / TimeProvider.System.GetElapsedTime(started).TotalSeconds);
                        result.Chunks = chunks;
                    }

                    texts = recorder.Inputs;
                }
                finally
                {
                    Directory.Delete(dataDir, recursive: true);
                }

                var rawStarted = TimeProvider.System.GetTimestamp();
                var embeddings = await model.Generator.GenerateAsync(texts, cancellationToken: cancellationToken);
                result.Raw.Add(texts.Count / TimeProvider.System.GetElapsedTime(rawStarted).TotalSeconds);
                result.Texts = texts;
                result.Vectors = [.. embeddings.Select(e => e.Vector)];
            }
        }

        return speed;
    }

    /// <summary>The cosine of each text's int8 vector to its fp32 vector, sorted; texts are matched by content, not by order.</summary>
    private static List<double> Cosines(Speed fp32, Speed int8)
    {
        var int8ByText = new Dictionary<string, ReadOnlyMemory<float>>(StringComparer.Ordinal);
        for (var i = 0; i < int8.Texts.Count; i++)
        {
            int8ByText[int8.Texts[i]] = int8.Vectors[i];
        }

        var cosines = new List<double>(fp32.Texts.Count);
        for (var i = 0; i < fp32.Texts.Count; i++)
        {
            if (int8ByText.TryGetValue(fp32.Texts[i], out var vector))
            {
                cosines.Add(TensorPrimitives.CosineSimilarity(fp32.Vectors[i].Span, vector.Span));
            }
        }

        cosines.Sort();
        return cosines;
    }

    /// <summary>Ingests the corpus (and SciFact) into fresh folders with <paramref name="model"/> and scores its retrieval.</summary>
    private static async Task<Quality> MeasureQualityAsync(OnnxEmbeddingModel model, string corpus, string? questions, SciFactDataset? sciFact, CancellationToken cancellationToken)
    {
        var quality = new Quality();
        if (questions is not null)
        {
            var lines = EvalQuestionsCommand.Load(questions);
            var queries = lines.Select(q => new EvalQuery(q.Id!, q.Question, new HashSet<string>([q.Document], StringComparer.Ordinal))).ToList();
            var files = SourceFiles.Expand([corpus], out _).Select(f => new IngestRequest { Name = f.Name, OpenContent = () => File.OpenRead(f.Path) }).ToList();
            (quality.RecallHybrid, quality.RecallDense) = await ScoreAsync(model, files, null, queries, "default", 10, (_, r) => r.Citation.DocumentName, s => s.RecallAt5, cancellationToken);
        }

        if (sciFact is not null)
        {
            var requests = sciFact.Corpus.Select(d => d.ToIngestRequest(SciFactIndex)).ToList();
            var claims = sciFact.Test.Select(c => new EvalQuery(c.Id, c.Text, c.Relevant)).ToList();

            // As in 'ragstack eval scifact': whole abstracts (470 tokens) and 40 chunks asked for, to fill ten documents.
            (quality.NdcgHybrid, quality.NdcgDense) = await ScoreAsync(
                model, requests, 470, claims, SciFactIndex, 40, (_, r) => System.IO.Path.GetFileNameWithoutExtension(r.Citation.DocumentName), s => s.NdcgAt10, cancellationToken);
        }

        return quality;
    }

    private static async Task<(double Hybrid, double Dense)> ScoreAsync(
        OnnxEmbeddingModel model, List<IngestRequest> documents, int? chunkTokens, List<EvalQuery> queries, string index, int top,
        Func<EvalQuery, SearchResult, string> itemOf, Func<EvalScores, double> score, CancellationToken cancellationToken)
    {
        var dataDir = Directory.CreateTempSubdirectory("ragstack-bench-quality-").FullName;
        try
        {
            await using var services = Services(dataDir, model.Generator, model, chunkTokens);
            await foreach (var result in services.GetRequiredService<IDocumentIngestor>().IngestManyAsync(documents, cancellationToken))
            {
                if (result.Error is { } error)
                {
                    Output.Error($"{result.Request.Name}: {error}");
                }
            }

            var retriever = services.GetRequiredService<IRetriever>();
            async Task<double> Mode(SearchMode mode) => score(await RetrievalEvaluation.RunAsync(
                mode.ToString(), retriever, queries, q => new SearchRequest { Query = q.Text, Index = index, Top = top, Mode = mode }, itemOf, null, cancellationToken));
            return (await Mode(SearchMode.Hybrid), await Mode(SearchMode.Dense));
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static void Report(Settings settings, int documents, Dictionary<EmbeddingPrecision, Speed> speed, List<double> cosines, Dictionary<EmbeddingPrecision, Quality> quality, string? sciFactSkipped)
    {
        var (fp32, int8) = (speed[EmbeddingPrecision.Fp32], speed[EmbeddingPrecision.Int8]);
        var medianCosine = Median(cosines);
        if (settings.Json)
        {
            Output.Json(new
            {
                documents,
                chunks = fp32.Chunks,
                runs = settings.Runs,
                model = settings.EmbeddingModel.ToString(),
                variants = Precisions.Select(p => new
                {
                    variant = new EmbeddingVariant(settings.EmbeddingModel, p).ToString(),
                    pipelineChunksPerSecond = Median(speed[p].Pipeline),
                    rawEmbeddingChunksPerSecond = Median(speed[p].Raw),
                    ratio = Median(speed[p].Pipeline) / Median(speed[p].Raw),
                    pipelineRuns = speed[p].Pipeline,
                    rawRuns = speed[p].Raw,
                    quality = quality.GetValueOrDefault(p),
                }),
                int8PipelineSpeedup = Median(int8.Pipeline) / Median(fp32.Pipeline),
                medianCosineInt8Fp32 = medianCosine,
                minimumCosineInt8Fp32 = cosines.Count == 0 ? 0 : cosines[0],
                sciFactSkipped,
            });
            return;
        }

        var table = new Table().Border(TableBorder.Rounded)
            .Title($"Ingestion of {documents} documents ({fp32.Chunks} chunks), {settings.EmbeddingModel} in fp32 and int8, median of {settings.Runs} runs each, in turns")
            .AddColumns("measurement", "fp32 (reference)", "int8", "int8 vs fp32", "target");
        table.AddRow("RagStack pipeline, end to end (chunks/s)", F1(Median(fp32.Pipeline)), F1(Median(int8.Pipeline)), $"{Median(int8.Pipeline) / Median(fp32.Pipeline):0.00}×", "≥ 2×");
        table.AddRow("raw embedding call on the same texts (chunks/s)", F1(Median(fp32.Raw)), F1(Median(int8.Raw)), $"{Median(int8.Raw) / Median(fp32.Raw):0.00}×", "");
        table.AddRow("pipeline / raw", F2(Median(fp32.Pipeline) / Median(fp32.Raw)), F2(Median(int8.Pipeline) / Median(int8.Raw)), "", "≥ 0.90");
        table.AddRow("cosine of int8 to fp32 vectors, median (min)", "1", $"{medianCosine:0.0000} ({(cosines.Count == 0 ? 0 : cosines[0]):0.0000})", "", "≥ 0.99");
        if (quality.Count > 0)
        {
            var (a, b) = (quality[EmbeddingPrecision.Fp32], quality[EmbeddingPrecision.Int8]);
            table.AddRow("genai-engineering recall@5, hybrid", F3(a.RecallHybrid), F3(b.RecallHybrid), Delta(a.RecallHybrid, b.RecallHybrid), "");
            table.AddRow("genai-engineering recall@5, dense", F3(a.RecallDense), F3(b.RecallDense), Delta(a.RecallDense, b.RecallDense), "");
            table.AddRow("SciFact nDCG@10, hybrid", F3(a.NdcgHybrid), F3(b.NdcgHybrid), Delta(a.NdcgHybrid, b.NdcgHybrid), "drop ≤ 0.005");
            table.AddRow("SciFact nDCG@10, dense", F3(a.NdcgDense), F3(b.NdcgDense), Delta(a.NdcgDense, b.NdcgDense), "drop ≤ 0.005");
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"[grey]runs (chunks/s): fp32 pipeline {Runs(fp32.Pipeline)}, raw {Runs(fp32.Raw)}; int8 pipeline {Runs(int8.Pipeline)}, raw {Runs(int8.Raw)}[/]");
        if (sciFactSkipped is not null)
        {
            AnsiConsole.MarkupLine($"[grey]SciFact skipped: {Markup.Escape(sciFactSkipped)} (--quality-scifact)[/]");
        }
    }

    private static List<IngestRequest> Sources(Settings settings)
    {
        if (settings.SciFact is not null)
        {
            return SciFactDataset.Load(settings.SciFact).Corpus.Take(settings.Docs).Select(d => d.ToIngestRequest()).ToList();
        }

        return SourceFiles.Expand([settings.Path], out _)
            .Select(f => new IngestRequest { Name = f.Name, OpenContent = () => File.OpenRead(f.Path) })
            .ToList();
    }

    private static ServiceProvider Services(string dataDir, IEmbeddingGenerator<string, Embedding<float>> generator, OnnxEmbeddingModel model, int? chunkTokens = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton(generator);
        services.AddSingleton(model.Tokens);
        services.AddRagStack(CliConfiguration.ForFolder(dataDir)).AddEmbeddedStore();
        if (chunkTokens is { } tokens)
        {
            services.Configure<IngestionOptions>(o => o.Chunking.MaxTokens = tokens);
        }

        return services.BuildServiceProvider();
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Runs(List<double> values) => string.Join(" ", values.Select(F1));

    private static string Delta(double reference, double value) => (value - reference).ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture);

    private static string F1(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

    private static string F2(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private static string F3(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>What one precision measured: speed runs, the chunk count and the raw call's vectors of the last run.</summary>
    private sealed class Speed
    {
        public List<double> Pipeline { get; } = [];

        public List<double> Raw { get; } = [];

        public int Chunks { get; set; }

        public IReadOnlyList<string> Texts { get; set; } = [];

        public IReadOnlyList<ReadOnlyMemory<float>> Vectors { get; set; } = [];
    }

    /// <summary>What one precision retrieves: recall@5 on the question file, nDCG@10 on SciFact.</summary>
    private sealed class Quality
    {
        public double RecallHybrid { get; set; }

        public double RecallDense { get; set; }

        public double NdcgHybrid { get; set; }

        public double NdcgDense { get; set; }
    }

    /// <summary>Passes embedding calls through and keeps their inputs, so the raw call can embed exactly the same texts.</summary>
    private sealed class RecordingEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner) : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
    {
        private readonly List<string> _inputs = [];

        public IReadOnlyList<string> Inputs => _inputs;

        public override Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var list = values.ToList();
            lock (_inputs)
            {
                _inputs.AddRange(list);
            }

            return base.GenerateAsync(list, options, cancellationToken);
        }
    }
}
