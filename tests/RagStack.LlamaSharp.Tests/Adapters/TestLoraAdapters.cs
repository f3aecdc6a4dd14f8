using RagStack.Models.Adapters;
using RagStack.Models.Gguf;

namespace RagStack.LlamaSharp.Tests.Adapters;

/// <summary>
/// Writes GGUF LoRA adapters with random low-rank weights on the query and value projections, in the layout llama.cpp
/// loads. Linked into the other test projects that need one, so there is one writer.
/// </summary>
internal static class TestLoraAdapters
{
    /// <summary>An adapter for the model in <paramref name="baseModel"/>, shaped from its GGUF header.</summary>
    public static void Write(string baseModel, string path, int seed, int rank = 4, float alpha = 8f, float strength = 0.5f)
    {
        var model = GgufFile.Read(baseModel);
        var layers = (int)model.Metadata["llama.block_count"].AsInt64();
        var width = (int)model.GetTensor("blk.0.attn_q.weight").Shape[0];
        var kv = (int)model.GetTensor("blk.0.attn_v.weight").Shape[1];
        Write(path, layers, width, kv, seed, rank, alpha, strength);
    }

    /// <summary>An adapter for the synthetic model <paramref name="model"/> describes, with no model file needed.</summary>
    public static void Write(string path, SyntheticLlamaSpec model, int seed, int rank = 4, float strength = 0.5f) =>
        Write(path, model.Layers, model.EmbeddingLength, model.KvHeads * model.HeadDimension, seed, rank, alpha: 2f * rank, strength);

    private static void Write(string path, int layers, int width, int kv, int seed, int rank, float alpha, float strength)
    {
        var random = new Random(seed);
        float[] Values(int count) => [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2 - 1) * strength))];
        var weights = Enumerable.Range(0, layers).SelectMany(layer => new[]
        {
            new LoraWeights(layer, "q_proj", rank, width, width, Values(rank * width), Values(width * rank)),
            new LoraWeights(layer, "v_proj", rank, width, kv, Values(rank * width), Values(kv * rank)),
        }).ToList();
        LoraAdapterFile.Write(path, "llama", Path.GetFileNameWithoutExtension(path), alpha, weights);
    }
}
