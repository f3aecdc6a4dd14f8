namespace RagStack.Models.Adapters;

/// <summary>The low-rank update of one projection in one transformer block: <c>W' = W + (alpha / rank) · scale · B·A</c>.</summary>
/// <param name="Layer">The block index (<c>blk.N</c>).</param>
/// <param name="TargetModule">The projection, by its PEFT name: <c>q_proj</c>, <c>k_proj</c>, <c>v_proj</c>, <c>o_proj</c>, <c>gate_proj</c>, <c>up_proj</c> or <c>down_proj</c>.</param>
/// <param name="Rank">The LoRA rank <c>r</c>.</param>
/// <param name="Inputs">The projection's input width (the base weight's ggml <c>ne0</c>).</param>
/// <param name="Outputs">The projection's output width (the base weight's ggml <c>ne1</c>).</param>
/// <param name="A">Row-major [<paramref name="Rank"/>, <paramref name="Inputs"/>] (PyTorch's lora_A layout; ggml [in, r]).</param>
/// <param name="B">Row-major [<paramref name="Outputs"/>, <paramref name="Rank"/>] (PyTorch's lora_B layout; ggml [r, out]), with output rows in llama.cpp's order (rotary rows as adjacent pairs).</param>
public sealed record LoraWeights(int Layer, string TargetModule, int Rank, int Inputs, int Outputs, float[] A, float[] B);
