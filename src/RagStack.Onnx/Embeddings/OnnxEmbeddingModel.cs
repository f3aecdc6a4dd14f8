using Microsoft.Extensions.AI;
using RagStack.Embeddings;

namespace RagStack.Onnx;

/// <summary>
/// A loaded ONNX embedding model: its generator and its token counter are one instance, so chunks are counted with exactly
/// the tokenizer that embeds them. Dispose it (or let the container that made it do so) to free the ONNX session.
/// </summary>
public sealed class OnnxEmbeddingModel : IDisposable
{
    private readonly OnnxEmbeddingGenerator _generator;

    internal OnnxEmbeddingModel(OnnxEmbeddingGenerator generator) => _generator = generator;

    /// <summary>Embeds documents, and search queries when asked with <see cref="EmbeddingPurpose.ForQueries"/>.</summary>
    public IEmbeddingGenerator<string, Embedding<float>> Generator => _generator;

    /// <summary>Counts tokens with the model's own tokenizer; <see cref="ITokenCounter.MaxTokens"/> is the window less [CLS] and [SEP].</summary>
    public ITokenCounter Tokens => _generator;

    /// <inheritdoc />
    public void Dispose() => _generator.Dispose();
}
