namespace RagStack.Models.HuggingFace;

/// <summary>What <see cref="HuggingFaceImporter.Import"/> wrote.</summary>
/// <param name="OutputPath">The GGUF model written.</param>
/// <param name="ParameterCount">Weights written: the element counts of all tensors added up.</param>
/// <param name="TensorCount">Tensors written.</param>
/// <param name="TiedWordEmbeddings">True when config.json ties the lm_head to the embeddings, so the GGUF has no <c>output.weight</c> (llama.cpp then uses <c>token_embd.weight</c>).</param>
/// <param name="VocabularySize">Tokens in the copied vocabulary.</param>
public sealed record HuggingFaceImportResult(string OutputPath, long ParameterCount, int TensorCount, bool TiedWordEmbeddings, int VocabularySize);
