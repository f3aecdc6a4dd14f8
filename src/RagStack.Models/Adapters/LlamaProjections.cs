namespace RagStack.Models.Adapters;

/// <summary>The llama projections a LoRA can adapt: their Hugging Face module path, PEFT name and llama.cpp tensor name.</summary>
internal static class LlamaProjections
{
    /// <summary>In the order llama.cpp's converter writes a block's tensors, so imported files list them the same way.</summary>
    public static readonly IReadOnlyList<LlamaProjection> All =
    [
        new("self_attn", "q_proj", "attn_q", RotaryHeads.Query),
        new("self_attn", "k_proj", "attn_k", RotaryHeads.Key),
        new("self_attn", "v_proj", "attn_v", RotaryHeads.None),
        new("self_attn", "o_proj", "attn_output", RotaryHeads.None),
        new("mlp", "gate_proj", "ffn_gate", RotaryHeads.None),
        new("mlp", "up_proj", "ffn_up", RotaryHeads.None),
        new("mlp", "down_proj", "ffn_down", RotaryHeads.None),
    ];

    public static IEnumerable<string> PeftNames => All.Select(p => p.PeftName);

    public static bool IsKnown(string peftName) => All.Any(p => p.PeftName == peftName);

    /// <summary>The position of <paramref name="peftName"/> in <see cref="All"/> (llama.cpp's tensor order), or <see cref="int.MaxValue"/> if unknown.</summary>
    public static int IndexOf(string peftName)
    {
        for (var i = 0; i < All.Count; i++)
        {
            if (All[i].PeftName == peftName)
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    public static LlamaProjection ByPeftName(string peftName) => All.First(p => p.PeftName == peftName);
}

/// <summary>One adaptable projection.</summary>
/// <param name="Block">The Hugging Face submodule holding it: <c>self_attn</c> or <c>mlp</c>.</param>
/// <param name="PeftName">The PEFT target module name, e.g. <c>q_proj</c>.</param>
/// <param name="GgufName">The llama.cpp tensor name inside <c>blk.N.</c>, e.g. <c>attn_q</c>.</param>
/// <param name="Rotary">Which head count orders its rows for rotary embeddings, if any.</param>
internal sealed record LlamaProjection(string Block, string PeftName, string GgufName, RotaryHeads Rotary);

/// <summary>Whether a projection's output rows are rotary-embedded, and so reordered between Hugging Face and GGUF, and by which head count.</summary>
internal enum RotaryHeads
{
    None,
    Query,
    Key,
}
