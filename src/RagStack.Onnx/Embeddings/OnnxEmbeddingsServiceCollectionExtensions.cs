using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using RagStack.Embeddings;

namespace RagStack.Onnx;

/// <summary>Registers the local ONNX embedding model.</summary>
public static class OnnxEmbeddingsServiceCollectionExtensions
{
    /// <summary>
    /// Adds one <see cref="OnnxEmbeddingModel"/>, loaded on first use, as the <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>
    /// and the <see cref="ITokenCounter"/>. The settings are validated here, so a bad one fails at start-up.
    /// </summary>
    public static IServiceCollection AddRagStackOnnxEmbeddings(this IServiceCollection services, Action<OnnxEmbeddingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new OnnxEmbeddingOptions();
        configure?.Invoke(options);
        options.Validate();
        services.AddSingleton(_ => OnnxEmbeddings.Load(options));
        services.AddSingleton(provider => provider.GetRequiredService<OnnxEmbeddingModel>().Generator);
        services.AddSingleton(provider => provider.GetRequiredService<OnnxEmbeddingModel>().Tokens);
        return services;
    }
}
