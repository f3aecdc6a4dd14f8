using RagStack.LlamaSharp.Gguf;

namespace RagStack.LlamaSharp.Tests.Adapters;

/// <summary>Writes GGUF LoRA adapters with random low-rank weights for a base model, in the layout llama.cpp loads.</summary>
internal static class TestLoraAdapters
{
    public static void Write(string baseModel, string path, int seed, int rank = 4, float alpha = 8f, float strength = 0.5f)
    {
        var model = GgufFile.Read(baseModel);
        var random = new Random(seed);
        var writer = new GgufWriter()
            .SetMetadata("general.architecture", model.Metadata["general.architecture"])
            .SetMetadata("general.type", GgufValue.Of("adapter"))
            .SetMetadata("adapter.type", GgufValue.Of("lora"))
            .SetMetadata("adapter.lora.alpha", GgufValue.Of(alpha));
        foreach (var weight in model.Tensors.Where(t => t.Name.EndsWith(".attn_q.weight", StringComparison.Ordinal) || t.Name.EndsWith(".attn_v.weight", StringComparison.Ordinal)))
        {
            var (inputs, outputs) = (weight.Shape[0], weight.Shape[1]);
            writer.AddTensor(weight.Name + ".lora_a", [inputs, rank], GgufTensorType.F32, Values(random, inputs * rank, strength));
            writer.AddTensor(weight.Name + ".lora_b", [rank, outputs], GgufTensorType.F32, Values(random, rank * outputs, strength));
        }

        writer.Write(path);
    }

    private static float[] Values(Random random, long count, float strength) =>
        Enumerable.Range(0, (int)count).Select(_ => (float)((random.NextDouble() * 2 - 1) * strength)).ToArray();
}
