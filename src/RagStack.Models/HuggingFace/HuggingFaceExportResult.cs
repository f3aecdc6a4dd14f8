namespace RagStack.Models.HuggingFace;

/// <summary>What <see cref="HuggingFaceExporter.Export"/> wrote: the folder <c>LlamaForCausalLM.from_pretrained</c> loads.</summary>
/// <param name="OutputDirectory">The folder written.</param>
/// <param name="ConfigPath">Its <c>config.json</c>.</param>
/// <param name="WeightsPath">Its <c>model.safetensors</c> (F32).</param>
/// <param name="ParameterCount">Weights written: the element counts of all tensors added up (the lm_head is not counted twice when tied).</param>
/// <param name="TensorCount">Tensors written.</param>
/// <param name="TiedWordEmbeddings">True when the GGUF has no <c>output.weight</c>, so the embedding doubles as the lm_head and none is written.</param>
public sealed record HuggingFaceExportResult(string OutputDirectory, string ConfigPath, string WeightsPath, long ParameterCount, int TensorCount, bool TiedWordEmbeddings);
