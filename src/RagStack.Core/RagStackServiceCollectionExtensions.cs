using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RagStack.Ingestion;
using RagStack.Ingestion.Extraction;
using RagStack.Retrieval;

namespace RagStack;

/// <summary>Registers RagStack's ingestion pipeline and retrieval. A store and an embedding generator are registered separately.</summary>
public static class RagStackServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IDocumentIngestor"/> and <see cref="IRetriever"/>. They need an <c>IDocumentCatalog</c>, <c>IBlobStore</c>,
    /// <c>IChunkStore</c> (e.g. <c>AddRagStackEmbeddedStore</c>) and an embedding generator with its token counter
    /// (e.g. <c>AddRagStackOnnxEmbeddings</c>).
    /// </summary>
    public static IServiceCollection AddRagStack(this IServiceCollection services, Action<IngestionOptions>? ingestion = null, Action<RetrievalOptions>? retrieval = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var ingestionOptions = services.AddOptions<IngestionOptions>();
        if (ingestion is not null)
        {
            ingestionOptions.Configure(ingestion);
        }

        ingestionOptions.Validate(o => Validates(o.Validate), "RagStack:Ingestion settings are out of range.").ValidateOnStart();
        var retrievalOptions = services.AddOptions<RetrievalOptions>();
        if (retrieval is not null)
        {
            retrievalOptions.Configure(retrieval);
        }

        retrievalOptions.Validate(o => Validates(o.Validate), "RagStack:Retrieval settings are out of range.").ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => ExtractionRunner.CreateDefault());
        services.TryAddSingleton<IDocumentIngestor, IngestionPipeline>();
        services.TryAddSingleton<IRetriever, HybridRetriever>();
        return services;
    }

    private static bool Validates(Action validate)
    {
        try
        {
            validate();
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
