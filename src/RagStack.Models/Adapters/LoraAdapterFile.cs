using System.Globalization;
using RagStack.Models.Gguf;

namespace RagStack.Models.Adapters;

/// <summary>Writes the GGUF LoRA file llama.cpp loads beside its base model: <c>general.type = adapter</c>, <c>adapter.type = lora</c>, <c>adapter.lora.alpha</c> and a <c>lora_a</c>/<c>lora_b</c> pair per adapted projection.</summary>
public static class LoraAdapterFile
{
    /// <summary>The projections a llama LoRA can adapt, by PEFT name, in llama.cpp's tensor order.</summary>
    public static IReadOnlyList<string> TargetModules { get; } = [.. LlamaProjections.PeftNames];

    /// <summary>Writes <paramref name="weights"/> to <paramref name="path"/> through a temporary file, in llama.cpp's block and tensor order.</summary>
    /// <exception cref="ArgumentException">A projection is unknown, listed twice, or its matrices do not have the sizes its record states.</exception>
    public static void Write(string path, string architecture, string name, float alpha, IReadOnlyList<LoraWeights> weights)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(architecture);
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Count == 0)
        {
            throw new ArgumentException("An adapter needs at least one adapted projection.", nameof(weights));
        }

        var writer = new GgufWriter()
            .SetMetadata("general.architecture", GgufValue.Of(architecture))
            .SetMetadata("general.type", GgufValue.Of("adapter"))
            .SetMetadata("general.name", GgufValue.Of(name))
            .SetMetadata("adapter.type", GgufValue.Of("lora"))
            .SetMetadata("adapter.lora.alpha", GgufValue.Of(alpha));

        var seen = new HashSet<(int, string)>();
        foreach (var w in weights.OrderBy(w => w.Layer).ThenBy(w => LlamaProjections.IndexOf(w.TargetModule)))
        {
            if (!LlamaProjections.IsKnown(w.TargetModule))
            {
                throw new ArgumentException($"'{w.TargetModule}' is not a llama projection; use one of {string.Join(", ", LlamaProjections.PeftNames)}.", nameof(weights));
            }

            if (!seen.Add((w.Layer, w.TargetModule)))
            {
                throw new ArgumentException($"Layer {w.Layer} {w.TargetModule} is listed twice.", nameof(weights));
            }

            if (w.Rank <= 0 || w.A.Length != (long)w.Rank * w.Inputs || w.B.Length != (long)w.Outputs * w.Rank)
            {
                throw new ArgumentException($"Layer {w.Layer} {w.TargetModule}: A has {w.A.Length} values and B {w.B.Length}, but rank {w.Rank}, {w.Inputs} inputs and {w.Outputs} outputs need {(long)w.Rank * w.Inputs} and {(long)w.Outputs * w.Rank}.", nameof(weights));
            }

            // PyTorch's [rows, cols] is ggml's [ne0 = cols, ne1 = rows] with the same bytes: A becomes [in, r] and B [r, out],
            // the orientation llama.cpp checks (a.ne[0] = W.ne[0], b.ne[1] = W.ne[1], a.ne[1] = b.ne[0]).
            var tensor = $"blk.{w.Layer.ToString(CultureInfo.InvariantCulture)}.{LlamaProjections.ByPeftName(w.TargetModule).GgufName}.weight";
            writer.AddTensor($"{tensor}.lora_a", [w.Inputs, w.Rank], GgufTensorType.F32, w.A);
            writer.AddTensor($"{tensor}.lora_b", [w.Rank, w.Outputs], GgufTensorType.F32, w.B);
        }

        writer.Write(path);
    }
}
