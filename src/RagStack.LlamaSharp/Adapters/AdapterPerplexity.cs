using System.Diagnostics;
using System.Text;
using LLama;
using LLama.Common;
using LLama.Native;
using RagStack.Models.Adapters;
using RagStack.Models.Gguf;

namespace RagStack.LlamaSharp.Adapters;

/// <summary>How <see cref="AdapterPerplexity"/> reads the text.</summary>
public sealed record AdapterPerplexityOptions
{
    /// <summary>The scale the adapter is applied with (1 = as trained).</summary>
    public float Scale { get; init; } = 1f;

    /// <summary>Tokens per window, BOS included; each window is read from an empty cache. 0 = the model's training context, at most 512.</summary>
    public int WindowTokens { get; init; }

    /// <summary>Threads for llama.cpp; 0 = every core.</summary>
    public int Threads { get; init; }
}

/// <summary>Perplexity of the same text under the base model and under the base model with an adapter, both through llama.cpp.</summary>
/// <param name="TokensScored">Tokens whose probability was measured (every token of the text).</param>
/// <param name="Windows">Windows the text was cut into.</param>
/// <param name="WindowTokens">Tokens per window, BOS included.</param>
/// <param name="BasePerplexity">exp(mean negative log-likelihood) without the adapter.</param>
/// <param name="AdapterPerplexity">The same with the adapter at <paramref name="Scale"/>.</param>
/// <param name="Scale">The adapter's scale.</param>
/// <param name="ScaleZeroMaxLogitDifference">The largest |logit difference| between the base and the adapter at scale 0, over every position of every window: 0 when the adapter is a pure addition.</param>
/// <param name="Elapsed">Wall time of the three passes.</param>
public sealed record AdapterPerplexityReport(
    int TokensScored,
    int Windows,
    int WindowTokens,
    double BasePerplexity,
    double AdapterPerplexity,
    float Scale,
    double ScaleZeroMaxLogitDifference,
    TimeSpan Elapsed)
{
    /// <summary>Relative change of perplexity with the adapter: −0.3 is a 30 % drop.</summary>
    public double Change => (AdapterPerplexity / BasePerplexity) - 1;
}

/// <summary>
/// Measures what an adapter does to a model's perplexity on a text, end to end through llama.cpp: the GGUF base, the GGUF
/// adapter as llama.cpp loads it, llama.cpp's tokenizer. This checks training, conversion and loading together.
/// </summary>
public static class AdapterPerplexity
{
    private const int MaxDefaultWindow = 512;

    /// <exception cref="FileNotFoundException">The base model or the adapter does not exist.</exception>
    /// <exception cref="InvalidDataException">The adapter is not a LoRA adapter for this base model, or the text has no tokens.</exception>
    /// <exception cref="GgufFormatException">The base model is not a readable GGUF file.</exception>
    public static AdapterPerplexityReport Measure(string baseModelPath, string adapterPath, string text, AdapterPerplexityOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Measure(baseModelPath, adapterPath, handle => handle.Tokenize(text, add_bos: false, special: false, Encoding.UTF8), options, cancellationToken);
    }

    /// <summary>The same measure on token ids (without BOS; each window gets one), for text tokenized elsewhere.</summary>
    /// <exception cref="FileNotFoundException">The base model or the adapter does not exist.</exception>
    /// <exception cref="InvalidDataException">The adapter is not a LoRA adapter for this base model, there are no tokens, or one is outside the vocabulary.</exception>
    public static AdapterPerplexityReport Measure(string baseModelPath, string adapterPath, IReadOnlyList<int> tokens, AdapterPerplexityOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return Measure(baseModelPath, adapterPath, _ => [.. tokens.Select(t => (LLamaToken)t)], options, cancellationToken);
    }

    private static AdapterPerplexityReport Measure(string baseModelPath, string adapterPath, Func<SafeLLamaContextHandle, LLamaToken[]> tokenize, AdapterPerplexityOptions? options, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(baseModelPath);
        ArgumentException.ThrowIfNullOrEmpty(adapterPath);
        options ??= new AdapterPerplexityOptions();
        if (!File.Exists(baseModelPath))
        {
            throw new FileNotFoundException($"{baseModelPath}: base model not found.", baseModelPath);
        }

        var baseModel = GgufFile.Read(baseModelPath);
        var info = GgufModelInfo.From(baseModel);
        LoraAdapterCheck.Check(adapterPath, baseModel, baseModelPath);
        var window = options.WindowTokens > 0 ? options.WindowTokens : (int)Math.Min(info.ContextLength is > 0 and var c ? c : MaxDefaultWindow, MaxDefaultWindow);
        if (window < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "A window holds at least BOS and one token.");
        }

        LlamaNative.EnsureLoaded();
        var clock = Stopwatch.StartNew();

        // F32 cache and no flash attention: the three passes must differ only by the adapter, and F32 keeps them comparable
        // with the logits of other implementations (transformers, the .NET trainer) to rounding.
        var parameters = new ModelParams(baseModelPath)
        {
            ContextSize = (uint)window, BatchSize = (uint)window, UBatchSize = (uint)window, GpuLayerCount = 0,
            Threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount,
            TypeK = GGMLType.GGML_TYPE_F32, TypeV = GGMLType.GGML_TYPE_F32, FlashAttention = false,
        };
        using var weights = LLamaWeights.LoadFromFile(parameters);
        using var context = weights.CreateContext(parameters);
        var handle = context.NativeHandle;
        var adapter = weights.NativeHandle.LoadLoraFromFile(adapterPath);
        try
        {
            var tokens = tokenize(handle);
            var vocabulary = weights.Vocab.Count;
            if (tokens.Length == 0)
            {
                throw new InvalidDataException("The text has no tokens.");
            }

            if (tokens.FirstOrDefault(t => (int)t < 0 || (int)t >= vocabulary) is var outside && ((int)outside < 0 || (int)outside >= vocabulary))
            {
                throw new InvalidDataException($"Token {(int)outside} is outside {baseModelPath}'s vocabulary of {vocabulary}.");
            }

            var bos = weights.Vocab.BOS ?? throw new InvalidDataException($"{baseModelPath}: the model has no BOS token to start each window with.");
            double baseNll = 0, adapterNll = 0, scaleZeroDifference = 0;
            var windows = 0;
            var baseLogits = Array.Empty<float>();
            for (var start = 0; start < tokens.Length; start += window - 1)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var span = tokens.AsSpan(start, Math.Min(window - 1, tokens.Length - start));
                var batch = new LLamaBatch();
                batch.Add(bos, 0, LLamaSeqId.Zero, logits: true);
                for (var i = 0; i < span.Length; i++)
                {
                    batch.Add(span[i], i + 1, LLamaSeqId.Zero, logits: true);
                }

                handle.SetLoraAdapters([]);
                baseLogits = Decode(handle, batch, vocabulary, baseLogits);
                baseNll += NegativeLogLikelihood(baseLogits, span, vocabulary);

                handle.SetLoraAdapters([(adapter, 0f)]);
                var zero = Decode(handle, batch, vocabulary, null);
                scaleZeroDifference = Math.Max(scaleZeroDifference, MaxDifference(baseLogits, zero));

                handle.SetLoraAdapters([(adapter, options.Scale)]);
                adapterNll += NegativeLogLikelihood(Decode(handle, batch, vocabulary, zero), span, vocabulary);
                windows++;
            }

            return new AdapterPerplexityReport(
                tokens.Length, windows, window, Math.Exp(baseNll / tokens.Length), Math.Exp(adapterNll / tokens.Length), options.Scale, scaleZeroDifference, clock.Elapsed);
        }
        finally
        {
            handle.SetLoraAdapters([]);
            adapter.Unload();
        }
    }

    /// <summary>Decodes the window from an empty cache and copies out the logits of every position.</summary>
    private static float[] Decode(SafeLLamaContextHandle context, LLamaBatch batch, int vocabulary, float[]? buffer)
    {
        context.MemorySequenceRemove(LLamaSeqId.Zero, -1, -1);
        var result = context.Decode(batch);
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"llama_decode returned {result}.");
        }

        var logits = buffer is not null && buffer.Length == batch.TokenCount * vocabulary ? buffer : new float[batch.TokenCount * vocabulary];
        for (var i = 0; i < batch.TokenCount; i++)
        {
            context.GetLogitsIth(i).CopyTo(logits.AsSpan(i * vocabulary, vocabulary));
        }

        return logits;
    }

    /// <summary>Sum over the window of −log p(token i | BOS, tokens before i); position i's logits predict token i (BOS is position 0).</summary>
    private static double NegativeLogLikelihood(float[] logits, ReadOnlySpan<LLamaToken> tokens, int vocabulary)
    {
        var sum = 0.0;
        for (var i = 0; i < tokens.Length; i++)
        {
            var row = logits.AsSpan(i * vocabulary, vocabulary);
            var max = (double)System.Numerics.Tensors.TensorPrimitives.Max(row);
            var total = 0.0;
            foreach (var logit in row)
            {
                total += Math.Exp(logit - max);
            }

            sum += max + Math.Log(total) - row[(int)tokens[i]];
        }

        return sum;
    }

    private static double MaxDifference(float[] a, float[] b)
    {
        var max = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs((double)a[i] - b[i]));
        }

        return max;
    }
}
