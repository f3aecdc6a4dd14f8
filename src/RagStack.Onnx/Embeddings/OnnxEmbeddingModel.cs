using Microsoft.Extensions.AI;
using RagStack.Embeddings;

namespace RagStack.Onnx;

/// <summary>
/// A loaded ONNX embedding model: its generator and its token counter are one instance, so chunks are counted with exactly
/// the tokenizer that embeds them. Dispose it (or let the container that made it do so) to free the ONNX session.
/// </summary>
public sealed class OnnxEmbeddingModel : IDisposable
{
    private readonly IDisposable _owner;

    internal OnnxEmbeddingModel(OnnxEmbeddingGenerator generator)
        : this(generator, generator, generator)
    {
    }

    internal OnnxEmbeddingModel(IEmbeddingGenerator<string, Embedding<float>> generator, ITokenCounter tokens, IDisposable owner)
    {
        Generator = generator;
        Tokens = tokens;
        _owner = owner;
    }

    /// <summary>Embeds documents, and search queries when asked with <see cref="EmbeddingPurpose.ForQueries"/>.</summary>
    public IEmbeddingGenerator<string, Embedding<float>> Generator { get; }

    /// <summary>Counts tokens with the model's own tokenizer; <see cref="ITokenCounter.MaxTokens"/> is the window less [CLS] and [SEP].</summary>
    public ITokenCounter Tokens { get; }

    /// <inheritdoc />
    public void Dispose() => _owner.Dispose();
}
