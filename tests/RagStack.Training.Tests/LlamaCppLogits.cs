using LLama;
using LLama.Common;
using LLama.Native;
using RagStack.LlamaSharp;

namespace RagStack.Training.Tests;

/// <summary>Runs tokens through the real llama.cpp (F32 cache, flash attention off) and returns the logits at every position, optionally with a LoRA.</summary>
internal static class LlamaCppLogits
{
    public static float[][] Evaluate(string modelPath, IReadOnlyList<int> tokens, string? adapterPath = null, float scale = 1f)
    {
        LlamaNative.EnsureLoaded();
        var parameters = new ModelParams(modelPath)
        {
            ContextSize = 256, BatchSize = 256, UBatchSize = 256, GpuLayerCount = 0, Threads = 1,
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
        Assert.Equal(DecodeResult.Ok, result);
        return [.. Enumerable.Range(0, tokens.Count).Select(i => handle.GetLogitsIth(i).ToArray())];
    }

    /// <summary>Splits flat [rows, vocabulary] logits into rows.</summary>
    public static float[][] Rows(float[] logits, int rows) => [.. logits.Chunk(logits.Length / rows)];

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

    /// <summary>The largest logit magnitude, so a tolerance can be read against the size of what is compared.</summary>
    public static double MaxAbs(float[][] a) => a.SelectMany(r => r).Max(x => Math.Abs((double)x));
}
