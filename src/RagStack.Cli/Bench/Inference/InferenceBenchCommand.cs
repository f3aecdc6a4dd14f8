using System.ComponentModel;
using System.Globalization;
using System.Text;
using LLama;
using LLama.Common;
using LLama.Native;
using Microsoft.Extensions.AI;
using RagStack.Cli.Hosting;
using RagStack.LlamaSharp;
using RagStack.LlamaSharp.Quantization;
using Spectre.Console;
using Spectre.Console.Cli;

namespace RagStack.Cli.Bench.Inference;

/// <summary>
/// <c>ragstack bench inference</c>: the ladder of inference optimisations on this machine — no KV cache, KV cache,
/// continuous batching at 1/4/8 streams, shared-prefix reuse, speculative decoding — each measured through RagStack's
/// chat client and, beside it, through a raw LLamaSharp native loop on the same model, threads and batch.
/// </summary>
internal sealed class InferenceBenchCommand : AsyncCommand<InferenceBenchCommand.Settings>
{
    internal sealed class Settings : ModelBenchSettings
    {
        [CommandOption("--model <GGUF>")]
        [Description("Model to measure. Default: a synthetic 125M-parameter Llama (F16, llama-spm vocabulary) built on the spot.")]
        public string? Model { get; init; }

        [CommandOption("--tokens <N>")]
        [Description("Tokens generated per stream. Default: 48.")]
        [DefaultValue(48)]
        public int Tokens { get; init; } = 48;

        [CommandOption("--context-tokens <N>")]
        [Description("Length of the shared context for the prefix-reuse row. Default: 1000.")]
        [DefaultValue(1000)]
        public int ContextTokens { get; init; } = 1000;

        [CommandOption("--pair-target <GGUF>")]
        [Description("Target of the speculative rows. Default: the trained pair's target, models/bench/" + BenchModels.PairTarget + ".")]
        public string? PairTarget { get; init; }

        [CommandOption("--pair-draft <GGUF>")]
        [Description("Draft of the speculative rows (same vocabulary as the target). Default: models/bench/" + BenchModels.PairDraft + ".")]
        public string? PairDraft { get; init; }

        [CommandOption("--draft-lengths <LIST>")]
        [Description("Comma-separated draft lengths (tokens proposed per step) for the trained pair. Default: 2,3,4,6.")]
        [DefaultValue("2,3,4,6")]
        public string DraftLengths { get; init; } = "2,3,4,6";

        [CommandOption("--only <PART>")]
        [Description("Run one part: 'speculative' (the trained pair's rows alone) or 'ladder' (rows 1–5 on --model). Default: both.")]
        public string? Only { get; init; }

        /// <summary>The draft lengths asked for.</summary>
        public int[] ParseDraftLengths() => [.. DraftLengths.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => int.Parse(t, CultureInfo.InvariantCulture))];

        public override ValidationResult Validate() =>
            !DraftLengths.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).All(t => int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var k) && k is >= 1 and <= 32)
                ? ValidationResult.Error("--draft-lengths must be a comma-separated list of whole numbers from 1 to 32.")
            : Only is not (null or "speculative" or "ladder") ? ValidationResult.Error("--only must be 'speculative' or 'ladder'.")
            : Tokens is < 4 or > 4096 ? ValidationResult.Error("--tokens must be between 4 and 4096.")
            : ContextTokens is < 16 or > 16384 ? ValidationResult.Error("--context-tokens must be between 16 and 16384.")
            : base.Validate();
    }

    /// <summary>One row: what was measured, ours, the raw reference, and the target it is held to.</summary>
    internal sealed record Row(string Step, string Measurement, double? Ours, double? Raw, string Unit, string Target);

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var threads = settings.ResolveThreads();
        var model = settings.Only == "speculative"
            ? settings.PairTarget ?? BenchModels.PairFile(BenchModels.PairTarget) ?? BenchModels.PairTarget
            : settings.Model ?? BenchModels.Synthetic125M(settings.WorkDir, GgufWeights.F16);
        if (!File.Exists(model))
        {
            Output.Error($"{model}: model file not found.");
            return 1;
        }

        var rows = new List<Row>();
        LlamaNative.EnsureLoaded();
        if (settings.Only != "speculative")
        {
            using var weights = LLamaWeights.LoadFromFile(new ModelParams(model) { GpuLayerCount = 0 });
            await MeasureAsync(settings, model, weights, threads, rows, cancellationToken);
        }

        if (settings.Only != "ladder")
        {
            var pairTarget = settings.PairTarget ?? BenchModels.PairFile(BenchModels.PairTarget);
            var pairDraft = settings.PairDraft ?? BenchModels.PairFile(BenchModels.PairDraft);
            if (pairTarget is null || pairDraft is null || !File.Exists(pairTarget) || !File.Exists(pairDraft))
            {
                Output.Error($"{pairTarget ?? pairDraft ?? "models/bench/" + BenchModels.PairTarget}: the trained pair is missing (give --pair-target and --pair-draft, or rebuild it with src/RagStack.Training/pair/rebuild.sh).");
                return 1;
            }

            await TrainedPairRowsAsync(settings, pairTarget, pairDraft, threads, rows, cancellationToken);
        }

        Print(settings, model, threads, rows);
        return 0;
    }

    private static async Task MeasureAsync(Settings settings, string model, LLamaWeights weights, int threads, List<Row> rows, CancellationToken cancellationToken)
    {
        var n = settings.Tokens;
        var prompts = Enumerable.Range(0, 8).Select(Prompt).ToArray();
        var promptTokens = prompts.Select(p => weights.NativeHandle.Tokenize(Transcript(p), weights.NativeHandle.Vocab.ShouldAddBOS, true, Encoding.UTF8)).ToArray();
        // Room for the longest prompt, or the shared context with its nonce and question, plus two replies (speculative rows
        // generate twice as many tokens).
        var window = Math.Max(promptTokens.Max(p => p.Length), settings.ContextTokens + 256) + 2 * n;
        using var client = LlamaChatClient.Load(new LlamaModelOptions { ModelPath = model, ContextLength = window, MaxParallelRequests = 8, PrefixCacheEntries = 2, Threads = threads });
        using var raw = RawLlamaLoops.CreateContext(weights, window * 8, 10, threads);
        var greedy = new ChatOptions { Temperature = 0, MaxOutputTokens = n };

        // One untimed run on each side: the first decode of a context allocates its compute graph and buffers.
        RawLlamaLoops.CachedDecode(weights, raw, promptTokens[0], 4);
        await client.GetResponseAsync([new ChatMessage(ChatRole.User, prompts[0])], new ChatOptions { Temperature = 0, MaxOutputTokens = 4 }, cancellationToken);

        var naive = Measure.Median(settings.Repeat, () => RawLlamaLoops.NaiveDecode(weights, raw, promptTokens[0], n));
        rows.Add(new("1 no KV cache", "decode, whole text re-read each step", null, naive, "tok/s", "RagStack always caches"));

        var single = await Measure.MedianAsync(settings.Repeat, async () => DecodeRate(await client.GetResponseAsync([new ChatMessage(ChatRole.User, prompts[0])], greedy, cancellationToken)));
        var rawSingle = Measure.Median(settings.Repeat, () => RawLlamaLoops.CachedDecode(weights, raw, promptTokens[0], n));
        rows.Add(new("2 KV cache", "decode, 1 stream", single, rawSingle, "tok/s", "≥ 0.95 × raw"));

        double? oneStream = null;
        foreach (var streams in new[] { 1, 4, 8 })
        {
            var ours = await Measure.MedianAsync(settings.Repeat, () => ConcurrentRateAsync(client, prompts.Take(streams), greedy, cancellationToken));
            var reference = Measure.Median(settings.Repeat, () => RawLlamaLoops.BatchedDecode(weights, raw, promptTokens.Take(streams).ToArray(), n));
            oneStream ??= ours;
            var target = streams == 1 ? "" : $"≥ 0.9 × raw; F16 ≥ 1.7× 1 stream (llama.cpp {(streams == 4 ? "1.83" : "2.05")}×)";
            rows.Add(new("3 batching", $"{streams} streams, aggregate = {ours / oneStream:F2}× 1 stream", ours, reference, "tok/s", target));
        }

        var (shared, first, second) = PrefixPrompts(weights, settings.ContextTokens);
        var oursPrefix = await PrefixReuseAsync(settings.Repeat, client, shared, first, second, cancellationToken);
        var rawPrefix = MedianPair(settings.Repeat, () =>
        {
            var context = $"Run {Guid.NewGuid():N}. {shared}";
            var all1 = weights.NativeHandle.Tokenize(Transcript(context, first), weights.NativeHandle.Vocab.ShouldAddBOS, true, Encoding.UTF8);
            var all2 = weights.NativeHandle.Tokenize(Transcript(context, second), weights.NativeHandle.Vocab.ShouldAddBOS, true, Encoding.UTF8);
            var common = CommonPrefix(all1, all2);
            var (cold, warm) = RawLlamaLoops.PrefixReuse(weights, raw, all1[..common], all1[common..], all2[common..]);
            return (cold.TotalMilliseconds, warm.TotalMilliseconds);
        });
        rows.Add(new("4 prefix reuse", $"1st request, TTFT, {settings.ContextTokens}-token context", oursPrefix.Cold, rawPrefix.Cold, "ms", ""));
        rows.Add(new("4 prefix reuse", $"2nd request, same context = {oursPrefix.Warm / oursPrefix.Cold:F3}× 1st", oursPrefix.Warm, rawPrefix.Warm, "ms", "≤ 0.25× 1st"));

        // 5. Speculative decoding: a Q4_K_M copy of the model drafts, the model itself verifies.
        try
        {
            var draft = BenchModels.Quantized(model, GgufQuantizationType.Q4_K_M, settings.WorkDir, threads);
            await SpeculativeRowsAsync(settings, "synthetic", model, draft, weights, threads, window, promptTokens[0], prompts[0], rows, cancellationToken);
        }
        catch (GgufQuantizationException e)
        {
            // An already quantized --model has no Q4_K_M copy of itself to draft with; the other rows still stand.
            Console.Error.WriteLine($"skipped the Q4_K_M self-draft row: {e.Reason}");
        }
        if (BenchModels.SharedModel("stories260K.gguf") is { } stories)
        {
            var storiesDraft = BenchModels.Quantized(stories, GgufQuantizationType.Q4_K_M, settings.WorkDir, threads);
            using var storiesWeights = LLamaWeights.LoadFromFile(new ModelParams(stories) { GpuLayerCount = 0 });
            var storyPrompt = "Once upon a time, there was a little girl named Lily. She loved to play";
            var storyTokens = storiesWeights.NativeHandle.Tokenize(Transcript(storyPrompt), storiesWeights.NativeHandle.Vocab.ShouldAddBOS, true, Encoding.UTF8);
            await SpeculativeRowsAsync(settings, "stories260K", stories, storiesDraft, storiesWeights, threads, window, storyTokens, storyPrompt, rows, cancellationToken);
        }
    }

    /// <summary>Figures of the speculative row on random weights (a Q4_K_M copy of the synthetic 125M drafting), before the trained pair.</summary>
    private const string RandomWeightsBefore = "random weights before: ×0.31, accepted 11 %";

    /// <summary>
    /// 5 on the trained pair: the target alone, then the target verifying its distilled draft at each draft length — greedy,
    /// through RagStack's chat client and through the raw loop, with the acceptance and whether the text is the target's own.
    /// </summary>
    private static async Task TrainedPairRowsAsync(Settings settings, string model, string draft, int threads, List<Row> rows, CancellationToken cancellationToken)
    {
        var n = settings.Tokens * 2;
        const string Prompt = "The apt-get command installs packages from the configured repositories. To upgrade every installed package,";
        var greedy = new ChatOptions { Temperature = 0, MaxOutputTokens = n, StopSequences = [] };
        ChatMessage[] messages = [new ChatMessage(ChatRole.User, Prompt)];
        using var weights = LLamaWeights.LoadFromFile(new ModelParams(model) { GpuLayerCount = 0 });
        using var draftWeights = LLamaWeights.LoadFromFile(new ModelParams(draft) { GpuLayerCount = 0 });
        var promptTokens = weights.NativeHandle.Tokenize(Transcript(Prompt), weights.NativeHandle.Vocab.ShouldAddBOS, true, Encoding.UTF8);
        var window = promptTokens.Length + n + 64;
        var label = "5 speculative, trained pair";

        // Both sides warm up together, three whole untimed replies each, before anything is timed: in a freshly started
        // process whichever side ran first measured 2–30× slower than it did a few replies later (seen on both sides here).
        using var target = RawLlamaLoops.CreateContext(weights, window, 1, threads);
        using var drafting = RawLlamaLoops.CreateContext(draftWeights, window, 1, threads);
        using var plain = LlamaChatClient.Load(new LlamaModelOptions { ModelPath = model, ContextLength = window, MaxParallelRequests = 1, Threads = threads });
        for (var i = 0; i < 3; i++)
        {
            Measure.OnDedicatedThread(() => RawLlamaLoops.CachedDecode(weights, target, promptTokens, n));
            await plain.GetResponseAsync(messages, greedy, cancellationToken);
        }

        var rawPlain = Measure.Median(settings.Repeat, () => RawLlamaLoops.CachedDecode(weights, target, promptTokens, n));
        var plainText = "";
        var oursPlain = await Measure.MedianAsync(settings.Repeat, async () =>
        {
            var response = await plain.GetResponseAsync(messages, greedy, cancellationToken);
            plainText = response.Text;
            return DecodeRate(response);
        });
        rows.Add(new(label, $"no draft: decode 1 stream ({Path.GetFileNameWithoutExtension(model)}), {n} tokens", oursPlain, rawPlain, "tok/s", ""));

        foreach (var k in settings.ParseDraftLengths())
        {
            using var speculative = LlamaChatClient.Load(new LlamaModelOptions { ModelPath = model, ContextLength = window, MaxParallelRequests = 1, Threads = threads, DraftModelPath = draft, DraftTokens = k });
            await speculative.GetResponseAsync(messages, greedy, cancellationToken);
            Measure.OnDedicatedThread(() => RawLlamaLoops.SpeculativeDecode(weights, target, drafting, promptTokens, n, k));
            var before = speculative.DraftStatistics;
            var identical = true;
            var oursFast = await Measure.MedianAsync(settings.Repeat, async () =>
            {
                var response = await speculative.GetResponseAsync(messages, greedy, cancellationToken);
                identical &= response.Text == plainText;
                return DecodeRate(response);
            });
            var after = speculative.DraftStatistics;
            var oursAcceptance = (double)(after.Accepted - before.Accepted) / Math.Max(1, after.Proposed - before.Proposed);
            var rawRuns = Enumerable.Range(0, settings.Repeat).Select(_ => Measure.OnDedicatedThread(() => RawLlamaLoops.SpeculativeDecode(weights, target, drafting, promptTokens, n, k))).ToList();
            var rawFast = Measure.MedianOf(rawRuns.Select(r => r.TokensPerSecond).ToList());
            var rawAcceptance = Measure.MedianOf(rawRuns.Select(r => r.Acceptance).ToList());
            rows.Add(new(label, string.Create(CultureInfo.InvariantCulture,
                $"distilled draft, k={k}: ×{oursFast / oursPlain:F2} (raw ×{rawFast / rawPlain:F2}), accepted {oursAcceptance:P0} (raw {rawAcceptance:P0}), output {(identical ? "identical" : "DIFFERENT")}"),
                oursFast, rawFast, "tok/s", $"≥ 1.5×, ≥ 60 % accepted, identical; {RandomWeightsBefore}"));
        }
    }

    private static async Task SpeculativeRowsAsync(Settings settings, string label, string model, string draft, LLamaWeights weights, int threads, int window, LLamaToken[] promptTokens, string prompt, List<Row> rows, CancellationToken cancellationToken)
    {
        const int draftTokens = 4;
        var n = settings.Tokens * 2;
        var greedy = new ChatOptions { Temperature = 0, MaxOutputTokens = n, StopSequences = [] };
        ChatMessage[] messages = [new ChatMessage(ChatRole.User, prompt)];
        using var plain = LlamaChatClient.Load(new LlamaModelOptions { ModelPath = model, ContextLength = window, MaxParallelRequests = 1, Threads = threads });
        using var speculative = LlamaChatClient.Load(new LlamaModelOptions { ModelPath = model, ContextLength = window, MaxParallelRequests = 1, Threads = threads, DraftModelPath = draft, DraftTokens = draftTokens });
        await plain.GetResponseAsync(messages, new ChatOptions { Temperature = 0, MaxOutputTokens = 4 }, cancellationToken);
        await speculative.GetResponseAsync(messages, new ChatOptions { Temperature = 0, MaxOutputTokens = 4 }, cancellationToken);
        var oursPlain = await Measure.MedianAsync(settings.Repeat, async () => DecodeRate(await plain.GetResponseAsync(messages, greedy, cancellationToken)));
        var before = speculative.DraftStatistics;
        var oursFast = await Measure.MedianAsync(settings.Repeat, async () => DecodeRate(await speculative.GetResponseAsync(messages, greedy, cancellationToken)));
        var after = speculative.DraftStatistics;
        var oursAcceptance = (double)(after.Accepted - before.Accepted) / Math.Max(1, after.Proposed - before.Proposed);

        using var draftWeights = LLamaWeights.LoadFromFile(new ModelParams(draft) { GpuLayerCount = 0 });
        using var target = RawLlamaLoops.CreateContext(weights, window, 1, threads);
        using var drafting = RawLlamaLoops.CreateContext(draftWeights, window, 1, threads);
        RawLlamaLoops.CachedDecode(weights, target, promptTokens, 4);
        var rawPlain = Measure.Median(settings.Repeat, () => RawLlamaLoops.CachedDecode(weights, target, promptTokens, n));
        var rawRuns = Enumerable.Range(0, settings.Repeat).Select(_ => Measure.OnDedicatedThread(() => RawLlamaLoops.SpeculativeDecode(weights, target, drafting, promptTokens, n, draftTokens))).ToList();
        var rawFast = Measure.MedianOf(rawRuns.Select(r => r.TokensPerSecond).ToList());
        var rawAcceptance = Measure.MedianOf(rawRuns.Select(r => r.Acceptance).ToList());

        var name = Path.GetFileNameWithoutExtension(model);
        rows.Add(new($"5 speculative, {label}", $"no draft: decode 1 stream ({name})", oursPlain, rawPlain, "tok/s", ""));
        rows.Add(new($"5 speculative, {label}", string.Create(CultureInfo.InvariantCulture,
            $"Q4_K_M draft, k={draftTokens}: ×{oursFast / oursPlain:F2} (raw ×{rawFast / rawPlain:F2}), accepted {oursAcceptance:P0} (raw {rawAcceptance:P0})"), oursFast, rawFast, "tok/s", "speed-up > 1× when the draft is much cheaper"));
    }

    private static string Prompt(int i) =>
        string.Create(CultureInfo.InvariantCulture, $"Stream {i}: write a short story about a robot who learns to paint, and explain what it felt like.");

    /// <summary>The prompt text the chat client builds for a model with no chat template (its plain-text transcript).</summary>
    private static string Transcript(string user) => $"User: {user}\n\nAssistant:";

    private static string Transcript(string system, string user) => $"System: {system}\n\nUser: {user}\n\nAssistant:";

    private static (string Shared, string First, string Second) PrefixPrompts(LLamaWeights weights, int contextTokens)
    {
        var sentences = new[]
        {
            "Retrieval-augmented generation answers a question from passages found in the user's own documents.",
            "Each passage is cut from a document, embedded as a vector, and indexed beside a keyword index.",
            "At question time the best passages are packed into the prompt, marked as data, and cited by number.",
            "A quantized model runs on the CPU and streams its answer token by token to the user.",
        };
        var text = new StringBuilder();
        for (var i = 0; weights.NativeHandle.Tokenize(text.ToString(), false, false, Encoding.UTF8).Length < contextTokens; i++)
        {
            text.Append(sentences[i % sentences.Length]).Append(' ');
        }

        return (text.ToString().Trim(), "What is indexed beside the vectors?", "How does the model answer?");
    }

    private static double DecodeRate(ChatResponse response)
    {
        var generated = response.Usage?.OutputTokenCount ?? 0;
        var properties = response.AdditionalProperties ?? throw new InvalidOperationException("The chat client reported no timings.");
        var total = Convert.ToDouble(properties["total_ms"], CultureInfo.InvariantCulture);
        var first = Convert.ToDouble(properties["time_to_first_token_ms"], CultureInfo.InvariantCulture);
        return (generated - 1) / ((total - first) / 1000);
    }

    private static async Task<double> ConcurrentRateAsync(IChatClient client, IEnumerable<string> prompts, ChatOptions options, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var responses = await Task.WhenAll(prompts.Select(p => client.GetResponseAsync([new ChatMessage(ChatRole.User, p)], options, cancellationToken)));
        return responses.Sum(r => r.Usage?.OutputTokenCount ?? 0) / clock.Elapsed.TotalSeconds;
    }

    private static async Task<double> TimeToFirstTokenAsync(IChatClient client, string system, string question, CancellationToken cancellationToken)
    {
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.System, system), new ChatMessage(ChatRole.User, question)], new ChatOptions { Temperature = 0, MaxOutputTokens = 1 }, cancellationToken);
        return Convert.ToDouble(response.AdditionalProperties!["time_to_first_token_ms"], CultureInfo.InvariantCulture);
    }

    private static async Task<(double Cold, double Warm)> PrefixReuseAsync(int repeat, IChatClient client, string shared, string first, string second, CancellationToken cancellationToken)
    {
        var colds = new List<double>();
        var warms = new List<double>();
        for (var i = 0; i < repeat; i++)
        {
            // A fresh context each run (a nonce at its start), so the first request really is cold.
            var context = $"Run {Guid.NewGuid():N}. {shared}";
            colds.Add(await TimeToFirstTokenAsync(client, context, first, cancellationToken));
            warms.Add(await TimeToFirstTokenAsync(client, context, second, cancellationToken));
        }

        return (Measure.MedianOf(colds), Measure.MedianOf(warms));
    }

    private static (double Cold, double Warm) MedianPair(int repeat, Func<(double Cold, double Warm)> run)
    {
        var results = Enumerable.Range(0, repeat).Select(_ => Measure.OnDedicatedThread(run)).ToList();
        return (Measure.MedianOf(results.Select(r => r.Cold).ToList()), Measure.MedianOf(results.Select(r => r.Warm).ToList()));
    }

    private static int CommonPrefix(LLamaToken[] a, LLamaToken[] b)
    {
        var i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i])
        {
            i++;
        }

        return i;
    }





    private static void Print(Settings settings, string model, int threads, List<Row> rows)
    {
        if (settings.Json)
        {
            Output.Json(new { model, threads, tokens = settings.Tokens, repeat = settings.Repeat, rows });
            return;
        }

        Measure.WidenPipedOutput();

        var table = new Table().Title($"[bold]ragstack bench inference[/] — {Markup.Escape(Path.GetFileName(model))}, {threads} threads, median of {settings.Repeat}")
            .AddColumn("step").AddColumn(new TableColumn("measurement").NoWrap())
            .AddColumn(new TableColumn("RagStack").RightAligned()).AddColumn(new TableColumn("raw llama.cpp").RightAligned())
            .AddColumn(new TableColumn("ours/raw").RightAligned()).AddColumn("target / reference");
        foreach (var row in rows)
        {
            table.AddRow(
                Markup.Escape(row.Step),
                Markup.Escape(row.Measurement),
                row.Ours is { } o ? Format(o, row.Unit) : "—",
                row.Raw is { } r ? Format(r, row.Unit) : "—",
                row.Ours is { } a && row.Raw is { } b ? (a / b).ToString("F2", CultureInfo.InvariantCulture) : "",
                Markup.Escape(row.Target));
        }

        AnsiConsole.Write(table);
    }

    private static string Format(double value, string unit) => value.ToString(value >= 100 ? "F0" : "F1", CultureInfo.InvariantCulture) + " " + unit;
}
