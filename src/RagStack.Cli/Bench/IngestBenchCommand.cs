using System.ComponentModel;
using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RagStack.Cli.Evaluation;
using RagStack.Cli.Hosting;
using RagStack.Ingestion;
using RagStack.Onnx;
using RagStack.Storage.Embedded;
using Spectre.Console;
using Spectre.Console.Cli;

namespace RagStack.Cli.Bench;

/// <summary>
/// <c>ragstack bench ingest</c>: end-to-end ingestion throughput (chunks/s: read, hash, store, extract, partition,
/// embed, index) beside the raw embedding call on exactly the texts the pipeline embedded, in the same run.
/// </summary>
internal sealed class IngestBenchCommand : AsyncCommand<IngestBenchCommand.Settings>
{
    internal sealed class Settings : CliSettings
    {
        [CommandOption("--path <FOLDER>")]
        [Description("Documents to ingest. Default: corpora/genai-engineering.")]
        [DefaultValue("corpora/genai-engineering")]
        public string Path { get; init; } = "corpora/genai-engineering";

        [CommandOption("--scifact <FOLDER>")]
        [Description("Use SciFact abstracts (the folder with scifact.zip) instead of --path.")]
        public string? SciFact { get; init; }

        [CommandOption("--docs <N>")]
        [Description("How many SciFact abstracts. Default: 1000.")]
        [DefaultValue(1000)]
        public int Docs { get; init; } = 1000;

        [CommandOption("--runs <N>")]
        [Description("Runs of each measurement; medians are reported. Default: 3.")]
        [DefaultValue(3)]
        public int Runs { get; init; } = 3;

        [CommandOption("--embedding-model <MODEL>")]
        [DefaultValue(EmbeddingModelKind.ArcticXs)]
        public EmbeddingModelKind EmbeddingModel { get; init; } = EmbeddingModelKind.ArcticXs;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var sources = Sources(settings);
        if (sources.Count == 0)
        {
            Output.Error("no documents to ingest");
            return 2;
        }

        var model = OnnxEmbeddings.Load(new OnnxEmbeddingOptions { Model = settings.EmbeddingModel });
        var pipelineRates = new List<double>();
        var rawRates = new List<double>();
        IReadOnlyList<string> texts = [];
        var chunks = 0;
        for (var run = 0; run < settings.Runs; run++)
        {
            var dataDir = Directory.CreateTempSubdirectory("ragstack-bench-ingest-").FullName;
            try
            {
                var recorder = new RecordingEmbeddingGenerator(model.Generator);
                await using (var services = Services(dataDir, recorder, model))
                {
                    var ingestor = services.GetRequiredService<IDocumentIngestor>();
                    var started = TimeProvider.System.GetTimestamp();
                    chunks = 0;
                    await foreach (var result in ingestor.IngestManyAsync(sources, cancellationToken))
                    {
                        chunks += result.ChunkCount;
                    }

                    pipelineRates.Add(chunks / TimeProvider.System.GetElapsedTime(started).TotalSeconds);
                }

                texts = recorder.Inputs;
            }
            finally
            {
                Directory.Delete(dataDir, recursive: true);
            }

            var rawStarted = TimeProvider.System.GetTimestamp();
            await model.Generator.GenerateAsync(texts, cancellationToken: cancellationToken);
            rawRates.Add(texts.Count / TimeProvider.System.GetElapsedTime(rawStarted).TotalSeconds);
        }

        var pipeline = Median(pipelineRates);
        var raw = Median(rawRates);
        if (settings.Json)
        {
            Output.Json(new { documents = sources.Count, chunks, runs = settings.Runs, pipelineChunksPerSecond = pipeline, rawEmbeddingChunksPerSecond = raw, ratio = pipeline / raw, target = 0.85 });
            return 0;
        }

        var table = new Table().Border(TableBorder.Rounded)
            .Title($"Ingestion of {sources.Count} documents ({chunks} chunks), {settings.EmbeddingModel}, median of {settings.Runs} runs")
            .AddColumns("measurement", "chunks/s", "runs");
        table.AddRow("RagStack pipeline, end to end", F(pipeline), string.Join(" ", pipelineRates.Select(F)));
        table.AddRow("raw embedding call on the same texts (reference)", F(raw), string.Join(" ", rawRates.Select(F)));
        table.AddRow("[bold]ratio (target ≥ 0.85)[/]", (pipeline / raw).ToString("0.00", CultureInfo.InvariantCulture), "");
        AnsiConsole.Write(table);
        return 0;
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

    private static ServiceProvider Services(string dataDir, IEmbeddingGenerator<string, Embedding<float>> generator, OnnxEmbeddingModel model)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton(generator);
        services.AddSingleton(model.Tokens);
        services.AddRagStack(CliConfiguration.ForFolder(dataDir)).AddEmbeddedStore();
        return services.BuildServiceProvider();
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string F(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

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
