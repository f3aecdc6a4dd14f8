using RagStack.LlamaSharp.Adapters;
using RagStack.LlamaSharp.Gguf;

namespace RagStack.ModelHost.Tests;

/// <summary>Writes a GGUF LoRA adapter with random low-rank weights on the query and value projections of a synthetic Llama.</summary>
internal static class TestAdapters
{
    public static void Write(string path, SyntheticLlamaSpec model, int seed, int rank = 4, float strength = 0.5f)
    {
        var random = new Random(seed);
        float[] Values(int count) => [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2 - 1) * strength))];
        var width = model.EmbeddingLength;
        var kv = model.KvHeads * model.HeadDimension;
        var weights = Enumerable.Range(0, model.Layers).SelectMany(layer => new[]
        {
            new LoraWeights(layer, "q_proj", rank, width, width, Values(rank * width), Values(width * rank)),
            new LoraWeights(layer, "v_proj", rank, width, kv, Values(rank * width), Values(kv * rank)),
        }).ToList();
        LoraAdapterFile.Write(path, "llama", Path.GetFileNameWithoutExtension(path), alpha: 2f * rank, weights);
    }
}
