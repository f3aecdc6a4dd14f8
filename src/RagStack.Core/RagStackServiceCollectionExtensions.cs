using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RagStack.Answering;
using RagStack.Domains;
using RagStack.Extraction;
using RagStack.Ingestion;
using RagStack.Ingestion.Extraction;
using RagStack.Retrieval;
using RagStack.Storage;

namespace RagStack;

/// <summary>Registers RagStack's ingestion pipeline, retrieval and answering. A store and an embedding generator are registered separately.</summary>
public static class RagStackServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IDocumentIngestor"/>, <see cref="IRetriever"/> and <see cref="IAnswerer"/>. They need an
    /// <c>IDocumentCatalog</c>, <c>IBlobStore</c>, <c>IChunkStore</c> (e.g. <c>AddRagStackEmbeddedStore</c>) and an embedding
    /// generator with its token counter (e.g. <c>AddRagStackOnnxEmbeddings</c>). An <see cref="IChatClient"/> is optional:
    /// without one, answers are extractive. Domains (<see cref="DomainsOptions"/>) are validated at start; bind them from
    /// <c>RagStack:Domains</c> or set them with <paramref name="domains"/>.
    /// </summary>
    public static IServiceCollection AddRagStack(
        this IServiceCollection services,
        Action<IngestionOptions>? ingestion = null,
        Action<RetrievalOptions>? retrieval = null,
        Action<AnsweringOptions>? answering = null,
        Action<DomainsOptions>? domains = null)
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
        var answeringOptions = services.AddOptions<AnsweringOptions>();
        if (answering is not null)
        {
            answeringOptions.Configure(answering);
        }

        answeringOptions.Validate(o => Validates(o.Validate), "RagStack:Answering settings are out of range.").ValidateOnStart();
        var domainsOptions = services.AddOptions<DomainsOptions>();
        if (domains is not null)
        {
            domainsOptions.Configure(domains);
        }

        domainsOptions.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DomainsOptions>, DomainsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => ExtractionRunner.CreateDefault());
        services.TryAddSingleton<IDocumentTypeDetector>(sp => sp.GetRequiredService<ExtractionRunner>());
        services.TryAddSingleton<IDocumentIngestor, IngestionPipeline>();
        services.TryAddSingleton<IRetriever, HybridRetriever>();
        // The chat client is looked up, not required: a host without a generator model still answers, extractively.
        services.TryAddSingleton<IAnswerer>(sp => new Answerer(
            sp.GetRequiredService<IRetriever>(),
            sp.GetRequiredService<IChunkStore>(),
            sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(),
            sp.GetService<IChatClient>(),
            sp.GetRequiredService<IOptions<AnsweringOptions>>(),
            sp.GetRequiredService<IOptions<DomainsOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<Answerer>>()));
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
