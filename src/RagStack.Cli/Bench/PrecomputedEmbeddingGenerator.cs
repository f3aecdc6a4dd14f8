using Microsoft.Extensions.AI;

namespace RagStack.Cli.Bench;

/// <summary>
/// Answers embedding calls from vectors computed beforehand, so a benchmark can time retrieval with the query embedding
/// excluded while still going through the real retriever.
/// </summary>
internal sealed class PrecomputedEmbeddingGenerator(IReadOnlyDictionary<string, float[]> vectors) : IEmbeddingGenerator<string, Embedding<float>>
{
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v => vectors.TryGetValue(v, out var vector)
            ? new Embedding<float>(vector)
            : throw new KeyNotFoundException($"No precomputed vector for the query '{v}'."))));

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
