using RagStack.Models.Gguf;

namespace RagStack.Training.Tests;

/// <summary>Tiny llama GGUF models with random weights that llama.cpp loads.</summary>
internal static class TestModels
{
    /// <summary>Grouped-query attention (4 query heads, 2 KV heads of 8) so head sharing and both rotary widths are exercised.</summary>
    public static readonly SyntheticLlamaSpec Gqa = new() { EmbeddingLength = 32, Heads = 4, KvHeads = 2, FeedForwardLength = 48, Layers = 2, Seed = 5 };

    /// <summary>
    /// Writes <paramref name="spec"/>'s synthetic model with every matrix scaled by <paramref name="scale"/>: SyntheticLlama's
    /// weights (std 0.02) leave attention nearly uniform and logits near zero, which would let a wrong rotary or attention
    /// pass a tolerance; std ≈ 0.4 makes every part matter.
    /// </summary>
    public static string Write(string path, SyntheticLlamaSpec spec, float scale = 20f)
    {
        var plain = path + ".plain.gguf";
        SyntheticLlama.Write(plain, spec);
        var file = GgufFile.Read(plain);
        var writer = new GgufWriter();
        foreach (var (key, value) in file.Metadata)
        {
            writer.SetMetadata(key, value);
        }

        writer.SetMetadata("llama.rope.freq_base", GgufValue.Of(500f)); // not the default, so a reader that ignores it fails
        foreach (var tensor in file.Tensors)
        {
            var values = file.ReadTensorAsFloats(tensor.Name);
            if (tensor.Shape.Count == 2)
            {
                values = [.. values.Select(v => v * scale)];
            }

            writer.AddTensor(tensor.Name, tensor.Shape, GgufTensorType.F32, values);
        }

        writer.Write(path);
        File.Delete(plain);
        return path;
    }
}
