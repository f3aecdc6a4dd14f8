namespace RagStack.Models.Adapters;

/// <summary>What <see cref="PeftAdapterImporter.Import"/> wrote: the adapter's rank and alpha, which projections it adapts, and in which layers.</summary>
/// <param name="OutputPath">The GGUF LoRA file written.</param>
/// <param name="Rank">LoRA rank <c>r</c>.</param>
/// <param name="Alpha">LoRA alpha; llama.cpp scales the update by alpha / rank times the scale the adapter is applied with.</param>
/// <param name="TargetModules">The PEFT module names adapted (<c>q_proj</c>, <c>v_proj</c>, …), in llama layer order.</param>
/// <param name="TensorCount">Tensors written (a <c>lora_a</c> and a <c>lora_b</c> per adapted projection).</param>
/// <param name="Layers">Indices of the transformer blocks that have at least one adapted projection.</param>
public sealed record PeftImportResult(string OutputPath, int Rank, float Alpha, IReadOnlyList<string> TargetModules, int TensorCount, IReadOnlyList<int> Layers);
