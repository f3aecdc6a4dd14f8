using LLama;
using LLama.Common;
using LLama.Native;

namespace RagStack.LlamaSharp.Tests.Adapters;

/// <summary>Runs a token sequence through the real llama.cpp and returns the next-token logits at every position, optionally with a LoRA applied.</summary>
internal static class LlamaLogits
{
    public static float[][] Evaluate(string modelPath, IReadOnlyList<int> tokens, string? adapterPath = null, float scale = 1f)
    {
        LlamaNative.EnsureLoaded();
        // F32 throughout: with flash attention on (llama.cpp's default on the CPU too) the logits of stories260K move by ~1.6e-2
        // from transformers' even with an F32 cache, which would hide a conversion error of that size; without it they agree to ~2e-5.
        var parameters = new ModelParams(modelPath)
        {
            ContextSize = 128, BatchSize = 128, UBatchSize = 128, GpuLayerCount = 0, Threads = 1,
            TypeK = GGMLType.GGML_TYPE_F32, TypeV = GGMLType.GGML_TYPE_F32, FlashAttention = false,
        };
        using var weights = LLamaWeights.LoadFromFile(parameters);
        using var context = weights.CreateContext(parameters);
        var handle = context.NativeHandle;
        if (adapterPath is not null)
        {
            var adapter = weights.NativeHandle.LoadLoraFromFile(adapterPath);
            handle.SetLoraAdapters([(adapter, scale)]);
        }

        var batch = new LLamaBatch();
        for (var i = 0; i < tokens.Count; i++)
        {
            batch.Add(tokens[i], i, LLamaSeqId.Zero, logits: true);
        }

        var result = handle.Decode(batch);
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"llama_decode returned {result}.");
        }

        return [.. Enumerable.Range(0, tokens.Count).Select(i => handle.GetLogitsIth(i).ToArray())];
    }

    public static double MaxAbsDifference(float[][] a, float[][] b)
    {
        Assert.Equal(a.Length, b.Length);
        var max = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i].Length, b[i].Length);
            for (var j = 0; j < a[i].Length; j++)
            {
                max = Math.Max(max, Math.Abs((double)a[i][j] - b[i][j]));
            }
        }

        return max;
    }
}
