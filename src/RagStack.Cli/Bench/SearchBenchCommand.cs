using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using RagStack.Chunks;
using RagStack.Cli.Hosting;
using RagStack.Retrieval;
using RagStack.Storage;
using RagStack.Storage.Embedded;
using Spectre.Console;
using Spectre.Console.Cli;

namespace RagStack.Cli.Bench;

/// <summary>
/// <c>ragstack bench search</c>: builds an embedded store of synthetic chunks and measures keyword, vector (HNSW and exact)
/// and hybrid search latency, HNSW recall against exact search, and ingest time. A benchmark, not a test.
/// </summary>
internal sealed class SearchBenchCommand : AsyncCommand<SearchBenchCommand.Settings>
{
    private const string Tenant = "bench";
    private const string Index = "bench";
    private const int Top = 10;
    private const int Candidates = 50;
    private const int ChunksPerDocument = 10;
    private const int VocabularySize = 20_000;
    private const int Clusters = 64;

    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--chunks <N>")]
        [Description("How many synthetic chunks to index. Default: 100000.")]
        [DefaultValue(100_000)]
        public int Chunks { get; init; } = 100_000;

        [CommandOption("--queries <N>")]
        [Description("How many queries to time. Default: 200.")]
        [DefaultValue(200)]
        public int Queries { get; init; } = 200;

        [CommandOption("--dim <N>")]
        [Description("Vector dimension. Default: 384.")]
        [DefaultValue(384)]
        public int Dimension { get; init; } = 384;

        [CommandOption("--data-dir <DIR>")]
        [Description("Where to build the store. Default: a temp folder, deleted afterwards.")]
        public string? DataDir { get; init; }

        [CommandOption("--json")]
        [Description("Print machine-readable JSON instead of a table.")]
        public bool Json { get; init; }

        public override ValidationResult Validate() =>
            Chunks < ChunksPerDocument ? ValidationResult.Error($"--chunks must be at least {ChunksPerDocument}.")
            : Queries < 1 ? ValidationResult.Error("--queries must be at least 1.")
            : Dimension is < 2 or > 4096 ? ValidationResult.Error("--dim must be between 2 and 4096.")
            : ValidationResult.Success();
    }

    /// <summary>One row of the result table.</summary>
    internal sealed record Measurement(string Name, string Ours, string Reference, double Value);

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var temporary = settings.DataDir is null;
        var dataDir = settings.DataDir ?? Path.Combine(Path.GetTempPath(), "ragstack-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            var measurements = await RunAsync(settings, dataDir, cancellationToken);
            Print(settings, measurements);
            return 0;
        }
        finally
        {
            if (temporary && Directory.Exists(dataDir))
            {
                Directory.Delete(dataDir, recursive: true);
            }
        }
    }

    private static async Task<List<Measurement>> RunAsync(Settings settings, string dataDir, CancellationToken cancellationToken)
    {
        var random = new Random(20240611);
        var corpus = new SyntheticCorpus(random, settings.Dimension);
        var queries = Enumerable.Range(0, settings.Queries).Select(_ => (Text: corpus.Query(), Vector: corpus.Vector())).ToList();
        var filter = new ChunkFilter { Tenant = Tenant, Index = Index };
        var measurements = new List<Measurement>();

        TimeSpan ingest;
        var hnswHits = new List<IReadOnlyList<ScoredChunk>>();
        await using (var store = await EmbeddedStore.OpenAsync(new EmbeddedStoreOptions { DataDirectory = dataDir, PersistInterval = TimeSpan.Zero }, cancellationToken))
        {
            var stopwatch = Stopwatch.StartNew();
            for (var start = 0; start < settings.Chunks; start += ChunksPerDocument)
            {
                var documentId = "doc" + (start / ChunksPerDocument).ToString(CultureInfo.InvariantCulture);
                var chunks = Enumerable.Range(start, Math.Min(ChunksPerDocument, settings.Chunks - start)).Select(i => new ChunkRecord
                {
                    Id = $"{documentId}#{i - start}",
                    DocumentId = documentId,
                    Index = Index,
                    Tenant = Tenant,
                    DocumentName = documentId + ".txt",
                    Position = i - start,
                    Text = corpus.Text(),
                    SectionPath = [corpus.Title()],
                    Vector = corpus.Vector(),
                }).ToList();
                await store.Chunks.ReplaceDocumentChunksAsync(Tenant, Index, documentId, chunks, cancellationToken);
                if (!settings.Json && start % 10_000 == 0)
                {
                    AnsiConsole.MarkupLine($"[grey]ingested {start:N0} / {settings.Chunks:N0} chunks ({stopwatch.Elapsed.TotalSeconds:F0} s)[/]");
                }
            }

            store.Persist();
            ingest = stopwatch.Elapsed;

            // Warm up: JIT, the Lucene near-real-time reopen, SQLite's page cache.
            foreach (var (text, vector) in queries.Take(10))
            {
                await store.Chunks.KeywordSearchAsync(text, filter, Top, cancellationToken);
                await store.Chunks.VectorSearchAsync(vector, filter, Top, cancellationToken);
            }

            var keyword = await TimeAsync(queries, q => store.Chunks.KeywordSearchAsync(q.Text, filter, Top, cancellationToken));
            var hnsw = await TimeAsync(queries, async q =>
            {
                var hits = await store.Chunks.VectorSearchAsync(q.Vector, filter, Top, cancellationToken);
                hnswHits.Add(hits);
                return hits;
            });
            // The product's hybrid retriever, with the query vectors computed beforehand so the embedding is excluded.
            var embeddings = new PrecomputedEmbeddingGenerator(queries.DistinctBy(q => q.Text).ToDictionary(q => q.Text, q => q.Vector));
            var composed = new ServiceCollection()
                .AddSingleton(store.Chunks)
                .AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(embeddings);
            composed.AddRagStack(CliConfiguration.ForFolder(dataDir));
            composed.Configure<RetrievalOptions>(o => o.Candidates = Candidates);
            await using var services = composed.BuildServiceProvider();
            var retriever = services.GetRequiredService<IRetriever>();
            var hybrid = await TimeAsync(queries, async q =>
                (await retriever.SearchAsync(new SearchRequest { Query = q.Text, Tenant = Tenant, Index = Index, Top = Top }, cancellationToken)).Count);

            measurements.Add(new("ingest", $"{ingest.TotalSeconds:F1} s ({settings.Chunks / ingest.TotalSeconds:N0} chunks/s)", "—", ingest.TotalSeconds));
            measurements.Add(new("keyword BM25 top-10 p50", Ms(Percentile(keyword, 0.5)), "SQLite FTS5 OR-query p50 69 ms (measured before)", Percentile(keyword, 0.5)));
            measurements.Add(new("keyword BM25 top-10 p90", Ms(Percentile(keyword, 0.9)), "—", Percentile(keyword, 0.9)));
            measurements.Add(new("vector HNSW top-10 p50", Ms(Percentile(hnsw, 0.5)), "USearch HNSW ~0.5 ms (measured before)", Percentile(hnsw, 0.5)));
            measurements.Add(new("vector HNSW top-10 p90", Ms(Percentile(hnsw, 0.9)), "—", Percentile(hnsw, 0.9)));
            measurements.Add(new("hybrid retriever (BM25 ∥ HNSW, 50 each, fused) top-10 p50", Ms(Percentile(hybrid, 0.5)), "target ≤ 5 ms", Percentile(hybrid, 0.5)));
            measurements.Add(new("hybrid retriever (BM25 ∥ HNSW, 50 each, fused) top-10 p90", Ms(Percentile(hybrid, 0.9)), "—", Percentile(hybrid, 0.9)));
        }

        // The same folder reopened with exact search forced: the ground truth for recall, and exact search's own latency.
        await using (var exactStore = await EmbeddedStore.OpenAsync(new EmbeddedStoreOptions { DataDirectory = dataDir, PersistInterval = TimeSpan.Zero, ExactSearchThreshold = int.MaxValue }, cancellationToken))
        {
            var exactHits = new List<IReadOnlyList<ScoredChunk>>();
            foreach (var (_, vector) in queries.Take(5))
            {
                await exactStore.Chunks.VectorSearchAsync(vector, filter, Top, cancellationToken);
            }

            var exact = await TimeAsync(queries, async q =>
            {
                var hits = await exactStore.Chunks.VectorSearchAsync(q.Vector, filter, Top, cancellationToken);
                exactHits.Add(hits);
                return hits;
            });
            var recall = hnswHits.Zip(exactHits).Average(p => p.First.Select(h => h.Chunk.Id).Intersect(p.Second.Select(h => h.Chunk.Id)).Count() / (double)Math.Max(1, p.Second.Count));
            measurements.Insert(5, new("vector exact (SIMD) top-10 p50", Ms(Percentile(exact, 0.5)), "—", Percentile(exact, 0.5)));
            measurements.Insert(6, new("HNSW recall@10 vs exact", recall.ToString("F3", CultureInfo.InvariantCulture), "target ≥ 0.95", recall));
        }

        return measurements;
    }

    private static void Print(Settings settings, List<Measurement> measurements)
    {
        var note = $"Synthetic data: {settings.Chunks:N0} chunks of 120–200 words drawn Zipf-like from a {VocabularySize:N0}-word vocabulary; "
            + $"{settings.Dimension}-d vectors from a {Clusters}-cluster Gaussian mixture, normalised; {settings.Queries} queries; "
            + $"{Environment.ProcessorCount} cores; query embedding excluded.";
        if (settings.Json)
        {
            Output.Json(new { note, measurements });
            return;
        }

        var table = new Table().Title("[bold]ragstack bench search[/]").AddColumn("measurement").AddColumn(new TableColumn("ours").RightAligned()).AddColumn("target / reference");
        foreach (var m in measurements)
        {
            table.AddRow(Markup.Escape(m.Name), Markup.Escape(m.Ours), Markup.Escape(m.Reference));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"[grey]{Markup.Escape(note)}[/]");
    }

    private static async Task<List<double>> TimeAsync<T>(List<(string Text, float[] Vector)> queries, Func<(string Text, float[] Vector), Task<T>> run)
    {
        var timings = new List<double>(queries.Count);
        foreach (var query in queries)
        {
            var started = Stopwatch.GetTimestamp();
            await run(query);
            timings.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return timings;
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Clamp(Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private static string Ms(double milliseconds) => milliseconds.ToString("F2", CultureInfo.InvariantCulture) + " ms";

    /// <summary>
    /// Deterministic synthetic text and vectors: pronounceable words ranked by a Zipf law (s = 1.07, like English), so
    /// BM25 posting lists have realistic lengths, and vectors drawn around fixed cluster centres.
    /// </summary>
    private sealed class SyntheticCorpus
    {
        private static readonly string[] Onsets = ["b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "st", "tr", "pl", "gr", "ch", "sh"];
        private static readonly string[] Vowels = ["a", "e", "i", "o", "u", "ai", "ea", "ou"];
        private static readonly string[] Codas = ["", "n", "r", "s", "t", "l", "m", "nd", "st"];

        private readonly Random _random;
        private readonly int _dimension;
        private readonly string[] _words;
        private readonly double[] _cumulative;
        private readonly float[][] _centres;

        public SyntheticCorpus(Random random, int dimension)
        {
            _random = random;
            _dimension = dimension;
            var words = new HashSet<string>(StringComparer.Ordinal);
            while (words.Count < VocabularySize)
            {
                var syllables = 1 + random.Next(3);
                var word = new StringBuilder();
                for (var s = 0; s < syllables; s++)
                {
                    word.Append(Onsets[random.Next(Onsets.Length)]).Append(Vowels[random.Next(Vowels.Length)]).Append(Codas[random.Next(Codas.Length)]);
                }

                words.Add(word.ToString());
            }

            _words = [.. words];
            _cumulative = new double[_words.Length];
            var sum = 0.0;
            for (var rank = 0; rank < _words.Length; rank++)
            {
                sum += 1.0 / Math.Pow(rank + 1, 1.07);
                _cumulative[rank] = sum;
            }

            _centres = Enumerable.Range(0, Clusters).Select(_ => Gaussian(1.0)).ToArray();
        }

        public string Text() => string.Join(' ', Enumerable.Range(0, 120 + _random.Next(81)).Select(_ => Word())) + ".";

        public string Title() => string.Join(' ', Enumerable.Range(0, 2 + _random.Next(3)).Select(_ => Word()));

        /// <summary>3–6 words, as a user types them: content words more often than the most common ones.</summary>
        public string Query() => string.Join(' ', Enumerable.Range(0, 3 + _random.Next(4)).Select(_ => _words[50 + _random.Next(5000)]));

        public float[] Vector()
        {
            var centre = _centres[_random.Next(Clusters)];
            var vector = Gaussian(0.5);
            System.Numerics.Tensors.TensorPrimitives.Add(vector, centre, vector);
            var norm = System.Numerics.Tensors.TensorPrimitives.Norm(vector);
            System.Numerics.Tensors.TensorPrimitives.Divide(vector, norm, vector);
            return vector;
        }

        private string Word()
        {
            var index = Array.BinarySearch(_cumulative, _random.NextDouble() * _cumulative[^1]);
            return _words[Math.Min(index < 0 ? ~index : index, _words.Length - 1)];
        }

        private float[] Gaussian(double sigma)
        {
            var v = new float[_dimension];
            for (var i = 0; i < v.Length; i++)
            {
                v[i] = (float)(sigma * Math.Sqrt(-2.0 * Math.Log(1.0 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble()));
            }

            return v;
        }
    }
}
