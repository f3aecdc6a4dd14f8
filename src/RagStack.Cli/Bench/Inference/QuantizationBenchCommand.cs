using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using LLama;
using LLama.Common;
using LLama.Native;
using RagStack.Cli.Hosting;
using RagStack.LlamaSharp;
using RagStack.LlamaSharp.Quantization;
using RagStack.Models.Gguf;
using Spectre.Console;
using Spectre.Console.Cli;

namespace RagStack.Cli.Bench.Inference;

/// <summary>
/// <c>ragstack bench quantization</c>: one model at F32 and quantized to F16, Q8_0, Q4_K_M and more — bits per weight,
/// file size, memory, prefill and decode speed, and quality against F32 as the KL divergence of next-token
/// distributions and top-1 agreement over a fixed text — beside the usual claims for each format.
/// </summary>
internal sealed class QuantizationBenchCommand : Command<QuantizationBenchCommand.Settings>
{
    private static readonly GgufQuantizationType[] DefaultTypes =
        [GgufQuantizationType.F16, GgufQuantizationType.Q8_0, GgufQuantizationType.Q6_K, GgufQuantizationType.Q5_K_M, GgufQuantizationType.Q4_K_M, GgufQuantizationType.Q4_0];

    /// <summary>The usual claims for each format against F32: speed-up and memory saving.</summary>
    private static readonly Dictionary<string, string> Claims = new()
    {
        ["F32"] = "baseline",
        ["F16"] = "≈ 2× speed, 2× smaller",
        ["Q8_0"] = "≈ 2–3× speed, 4× smaller",
        ["Q6_K"] = "≈ 5× smaller",
        ["Q5_K_M"] = "≈ 6× smaller",
        ["Q4_K_M"] = "≈ 3–4× speed, 8× smaller",
        ["Q4_0"] = "≈ 3–4× speed, 8× smaller",
    };

    /// <summary>A fixed English text the models are scored on; plain prose so every tokenizer handles it.</summary>
    private const string FixedText =
        "Once upon a time, there was a little girl named Lily. She loved to play in the park with her dog, Max. " +
        "One sunny day, Lily saw a big red ball under a tree. She ran to the ball and kicked it very high. Max barked " +
        "and ran after it. The ball landed in the pond, and Lily was sad. Her mom came and said, \"Do not be sad, Lily. " +
        "We can get the ball with a long stick.\" They found a stick and pulled the ball out of the water. Lily smiled " +
        "and hugged her mom. Then they went home and ate warm soup for dinner. The next day, Lily and Max went back to " +
        "the park. They played with the ball all day, and they were very happy.";

    internal sealed class Settings : ModelBenchSettings
    {
        [CommandOption("--model <GGUF>")]
        [Description("F32 (or F16) model to quantize. Default: the trained pair's F32 target (models/bench/build/target-f32.gguf, left by src/RagStack.Training/pair/rebuild.sh) when it is there, else a synthetic 125M-parameter Llama in F32 and the shared stories260K.")]
        public string[] Models { get; init; } = [];

        [CommandOption("--types <LIST>")]
        [Description("Comma-separated quantization types. Default: F16,Q8_0,Q6_K,Q5_K_M,Q4_K_M,Q4_0.")]
        public string? Types { get; init; }

        [CommandOption("--text <FILE>")]
        [Description("Text to score (perplexity, KL, top-1) in windows of 512 tokens. Default: models/bench/heldout.txt for the trained target, else a fixed short story.")]
        public string? Text { get; init; }

        [CommandOption("--text-tokens <N>")]
        [Description("Tokens of --text scored, at most. Default: 4096.")]
        [DefaultValue(4096)]
        public int TextTokens { get; init; } = 4096;

        [CommandOption("--decode-tokens <N>")]
        [Description("Tokens generated for the decode speed. Default: 32.")]
        [DefaultValue(32)]
        public int DecodeTokens { get; init; } = 32;

        public override ValidationResult Validate() =>
            DecodeTokens is < 2 or > 1024 ? ValidationResult.Error("--decode-tokens must be between 2 and 1024.")
            : TextTokens is < 16 or > 1_000_000 ? ValidationResult.Error("--text-tokens must be between 16 and 1,000,000.")
            : Text is not null && !File.Exists(Text) ? ValidationResult.Error($"--text: {Text}: no such file.")
            : base.Validate();
    }

    /// <summary>One format of one model.</summary>
    internal sealed record Row(string Type, double BitsPerWeight, long FileBytes, long WeightBytes, double PrefillTokensPerSecond, double DecodeTokensPerSecond, double MeanKl, double Top1Agreement, double Perplexity, string Claim);

    /// <summary>Tokens per scored window, BOS included: each window is read from an empty cache.</summary>
    private const int WindowTokens = 512;

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        GgufQuantizationType[] types;
        try
        {
            types = settings.Types is null ? DefaultTypes : settings.Types.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(t => Enum.Parse<GgufQuantizationType>(t, ignoreCase: true)).ToArray();
        }
        catch (ArgumentException)
        {
            Output.Error($"--types: unknown type in '{settings.Types}'; known: {string.Join(", ", Enum.GetNames<GgufQuantizationType>())}.");
            return 1;
        }

        var trained = BenchModels.PairFile(BenchModels.PairTargetF32);
        var models = settings.Models.Length > 0 ? settings.Models.ToList() : trained is not null ? [trained] : DefaultModels(settings.WorkDir);
        if (settings.Models.Length == 0 && trained is null)
        {
            Console.Error.WriteLine("models/bench/build/target-f32.gguf is not there (src/RagStack.Training/pair/rebuild.sh makes it): measuring the synthetic models instead.");
        }

        var text = settings.Text is { } file ? File.ReadAllText(file)
            : models.Count == 1 && models[0] == trained && BenchModels.PairFile(BenchModels.PairHeldOutText) is { } heldOut ? File.ReadAllText(heldOut)
            : FixedText;
        var threads = settings.ResolveThreads();
        var workDir = BenchModels.WorkDirectory(settings.WorkDir);
        var results = new List<(string Model, List<Row> Rows)>();
        LlamaNative.EnsureLoaded();
        foreach (var model in models)
        {
            if (!File.Exists(model))
            {
                Output.Error($"{model}: model file not found.");
                return 1;
            }

            results.Add((model, MeasureModel(model, types, threads, workDir, text, settings)));
        }

        Print(settings, threads, results);
        return 0;
    }

    private static List<string> DefaultModels(string? workDir)
    {
        var models = new List<string> { BenchModels.Synthetic125M(workDir, GgufWeights.F32) };
        if (BenchModels.SharedModel("stories260K.gguf") is { } stories)
        {
            models.Add(stories);
        }

        return models;
    }

    private static List<Row> MeasureModel(string source, GgufQuantizationType[] types, int threads, string workDir, string text, Settings settings)
    {
        var rows = new List<Row>();
        var sourceInfo = GgufModelInfo.Read(source);
        List<float[][]>? reference = null;
        var variants = new List<(string Name, string Path)> { (sourceInfo.FileType, source) };
        foreach (var type in types)
        {
            try
            {
                variants.Add((type.ToString(), BenchModels.Quantized(source, type, workDir, threads)));
            }
            catch (GgufQuantizationException e)
            {
                // stories260K's 172-wide feed-forward rows fit no block-quantized type; say so instead of stopping.
                Console.Error.WriteLine($"skipped {type} for {Path.GetFileName(source)}: {e.Reason}");
            }
        }

        foreach (var (name, path) in variants)
        {
            var info = GgufModelInfo.Read(path);
            using var weights = LLamaWeights.LoadFromFile(new ModelParams(path) { GpuLayerCount = 0 });
            var windows = Windows(weights, text, settings.TextTokens);
            var tokens = windows[0];
            var longest = windows.Max(w => w.Length);
            using var context = RawLlamaLoops.CreateContext(weights, longest + settings.DecodeTokens + 16, 1, threads, batchSize: Math.Max(512, longest));
            var logits = windows.Select(w => AllLogits(context, w, weights.NativeHandle.Vocab.Count)).ToList();
            reference ??= logits;
            var (kl, top1) = Compare([.. reference.SelectMany(w => w)], [.. logits.SelectMany(w => w)]);
            var perplexity = Perplexity(windows, logits);
            var prefill = Measure.Median(settings.Repeat, () =>
            {
                var clock = Stopwatch.StartNew();
                AllLogits(context, tokens, 0);
                return tokens.Length / clock.Elapsed.TotalSeconds;
            });
            var decode = Measure.Median(settings.Repeat, () => RawLlamaLoops.CachedDecode(weights, context, tokens[..Math.Min(tokens.Length, 16)], settings.DecodeTokens));
            rows.Add(new Row(name, info.BitsPerWeight, info.FileSize, (long)weights.SizeInBytes, prefill, decode, kl, top1, perplexity, Claims.GetValueOrDefault(name, "")));
        }

        return rows;
    }

    /// <summary>
    /// The text's tokens (at most <paramref name="maxTokens"/>) cut into windows of <see cref="WindowTokens"/>, each with the
    /// model's BOS first when it adds one; a text shorter than a window is one window.
    /// </summary>
    private static List<LLama.Native.LLamaToken[]> Windows(LLamaWeights weights, string text, int maxTokens)
    {
        var vocabulary = weights.NativeHandle.Vocab;
        var all = weights.NativeHandle.Tokenize(text, false, false, Encoding.UTF8);
        all = all[..Math.Min(all.Length, maxTokens)];
        var bos = vocabulary.ShouldAddBOS && vocabulary.BOS is { } b ? new[] { b } : [];
        var step = WindowTokens - bos.Length;
        var windows = new List<LLama.Native.LLamaToken[]>();
        for (var start = 0; start < all.Length; start += step)
        {
            windows.Add([.. bos, .. all[start..Math.Min(all.Length, start + step)]]);
        }

        return windows.Count > 1 && windows[^1].Length < 16 ? windows[..^1] : windows;
    }

    /// <summary>exp(mean negative log-likelihood) of each window's tokens after its first, from the logits before them.</summary>
    internal static double Perplexity(IReadOnlyList<LLama.Native.LLamaToken[]> windows, IReadOnlyList<float[][]> logits)
    {
        double nll = 0;
        long count = 0;
        for (var w = 0; w < windows.Count; w++)
        {
            for (var i = 0; i + 1 < windows[w].Length; i++)
            {
                nll -= LogSoftmax(logits[w][i])[(int)windows[w][i + 1]];
                count++;
            }
        }

        return Math.Exp(nll / Math.Max(1, count));
    }

    /// <summary>Evaluates the text in one batch; returns each position's next-token logits (none when <paramref name="vocabulary"/> is 0).</summary>
    private static float[][] AllLogits(SafeLLamaContextHandle context, LLama.Native.LLamaToken[] tokens, int vocabulary)
    {
        context.MemoryClear();
        var batch = new LLamaBatch();
        for (var i = 0; i < tokens.Length; i++)
        {
            batch.Add(tokens[i], i, LLamaSeqId.Zero, vocabulary > 0 || i == tokens.Length - 1);
        }

        if (context.Decode(batch) != DecodeResult.Ok)
        {
            throw new InvalidOperationException("llama_decode failed on the fixed text.");
        }

        return vocabulary == 0 ? [] : Enumerable.Range(0, tokens.Length).Select(i => context.GetLogitsIth(i)[..vocabulary].ToArray()).ToArray();
    }

    /// <summary>Mean KL(reference ‖ candidate) of the softmax distributions, and how often their top tokens agree.</summary>
    internal static (double MeanKl, double Top1) Compare(float[][] reference, float[][] candidate)
    {
        double kl = 0;
        var agree = 0;
        for (var i = 0; i < reference.Length; i++)
        {
            var p = LogSoftmax(reference[i]);
            var q = LogSoftmax(candidate[i]);
            double sum = 0;
            for (var t = 0; t < p.Length; t++)
            {
                sum += Math.Exp(p[t]) * (p[t] - q[t]);
            }

            kl += Math.Max(0, sum);
            agree += ArgMax(reference[i]) == ArgMax(candidate[i]) ? 1 : 0;
        }

        return (kl / reference.Length, (double)agree / reference.Length);
    }

    private static double[] LogSoftmax(float[] logits)
    {
        var max = logits.Max();
        var log = Math.Log(logits.Sum(l => Math.Exp(l - max)));
        return logits.Select(l => l - max - log).ToArray();
    }

    private static int ArgMax(float[] values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            best = values[i] > values[best] ? i : best;
        }

        return best;
    }


    private static void Print(Settings settings, int threads, List<(string Model, List<Row> Rows)> results)
    {
        if (settings.Json)
        {
            Output.Json(new { threads, repeat = settings.Repeat, models = results.Select(r => new { model = r.Model, rows = r.Rows }) });
            return;
        }

        Measure.WidenPipedOutput();

        foreach (var (model, rows) in results)
        {
            var baseline = rows[0];
            var table = new Table().Title($"[bold]ragstack bench quantization[/] — {Markup.Escape(Path.GetFileName(model))}, {threads} threads, median of {settings.Repeat}")
                .AddColumn("type").AddColumn(new TableColumn("bits/weight").RightAligned()).AddColumn(new TableColumn("file").RightAligned())
                .AddColumn(new TableColumn("weights in memory").RightAligned())
                .AddColumn(new TableColumn("prefill tok/s").RightAligned()).AddColumn(new TableColumn("decode tok/s").RightAligned())
                .AddColumn(new TableColumn("perplexity").RightAligned())
                .AddColumn(new TableColumn("KL vs F32").RightAligned()).AddColumn(new TableColumn("top-1 agree").RightAligned())
                .AddColumn("measured vs F32").AddColumn("usual claim");
            foreach (var row in rows)
            {
                table.AddRow(
                    row.Type,
                    row.BitsPerWeight.ToString("F2", CultureInfo.InvariantCulture),
                    Size(row.FileBytes),
                    Size(row.WeightBytes),
                    row.PrefillTokensPerSecond.ToString("F0", CultureInfo.InvariantCulture),
                    row.DecodeTokensPerSecond.ToString("F1", CultureInfo.InvariantCulture),
                    row.Perplexity.ToString("F2", CultureInfo.InvariantCulture),
                    row.MeanKl.ToString("G3", CultureInfo.InvariantCulture),
                    row.Top1Agreement.ToString("P1", CultureInfo.InvariantCulture),
                    string.Create(CultureInfo.InvariantCulture, $"decode {row.DecodeTokensPerSecond / baseline.DecodeTokensPerSecond:F2}×, {(double)baseline.WeightBytes / row.WeightBytes:F1}× smaller"),
                    Markup.Escape(row.Claim));
            }

            AnsiConsole.Write(table);
        }
    }

    private static string Size(long bytes) => bytes >= 1 << 30
        ? (bytes / (double)(1 << 30)).ToString("F2", CultureInfo.InvariantCulture) + " GiB"
        : bytes >= 1 << 20 ? (bytes / (double)(1 << 20)).ToString("F1", CultureInfo.InvariantCulture) + " MiB"
        : (bytes / 1024.0).ToString("F0", CultureInfo.InvariantCulture) + " KiB";
}
