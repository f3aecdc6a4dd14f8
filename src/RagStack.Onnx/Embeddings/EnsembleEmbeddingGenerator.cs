using Microsoft.Extensions.AI;
using RagStack.Embeddings;

namespace RagStack.Onnx;

/// <summary>
/// Several embedding models as one: every member embeds every input, and the members' unit vectors, each scaled by
/// 1/√n, are concatenated. The result is a unit vector whose cosine with another is the mean of the members' cosines,
/// so any vector store ranks by the ensemble's average similarity without knowing there are several models.
/// </summary>
internal sealed class EnsembleEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>, ITokenCounter, IDisposable
{
    private readonly IReadOnlyList<OnnxEmbeddingGenerator> _members;

    public EnsembleEmbeddingGenerator(IReadOnlyList<OnnxEmbeddingGenerator> members)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(members.Count, 2, nameof(members));
        _members = members;
        Metadata = new EmbeddingGeneratorMetadata(
            "onnx",
            defaultModelId: string.Join('+', members.Select(m => m.Metadata.DefaultModelId)),
            defaultModelDimensions: members.Sum(m => m.Metadata.DefaultModelDimensions ?? 0));
    }

    public EmbeddingGeneratorMetadata Metadata { get; }

    /// <summary>The smallest window of the members, so every member reads every chunk whole.</summary>
    public int MaxTokens => _members.Min(m => m.MaxTokens);

    /// <summary>The largest count of the members' tokenizers (they share BERT's uncased vocabulary, so the counts agree).</summary>
    public int CountTokens(string text) => _members.Max(m => m.CountTokens(text));

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var inputs = values as IReadOnlyList<string> ?? values.ToList();
        var parts = new List<GeneratedEmbeddings<Embedding<float>>>(_members.Count);
        foreach (var member in _members)
        {
            parts.Add(await member.GenerateAsync(inputs, options, cancellationToken));
        }

        var scale = 1f / MathF.Sqrt(_members.Count);
        var result = new GeneratedEmbeddings<Embedding<float>>(inputs.Count);
        for (var i = 0; i < inputs.Count; i++)
        {
            var vector = new float[parts.Sum(p => p[i].Vector.Length)];
            var offset = 0;
            foreach (var part in parts)
            {
                var span = part[i].Vector.Span;
                for (var j = 0; j < span.Length; j++)
                {
                    vector[offset + j] = span[j] * scale;
                }

                offset += span.Length;
            }

            result.Add(new Embedding<float>(vector) { ModelId = Metadata.DefaultModelId });
        }

        return result;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
        foreach (var member in _members)
        {
            member.Dispose();
        }
    }
}
