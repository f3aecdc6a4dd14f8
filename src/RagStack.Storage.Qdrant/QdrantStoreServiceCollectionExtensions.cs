using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using RagStack.Storage;
using RagStack.Storage.Embedded;
using RagStack.Storage.Embedded.Keyword;
using RagStack.Storage.Qdrant;

namespace RagStack;

/// <summary>Adds the Qdrant store to a RagStack, or the store <c>RagStack:VectorStore</c> names.</summary>
public static class QdrantStoreServiceCollectionExtensions
{
    /// <summary>
    /// Keeps chunks, vectors and the BM25 keyword index in Qdrant (<c>RagStack:Qdrant</c>, then <paramref name="configure"/>),
    /// as the <see cref="IChunkStore"/>; the documents, the ingestion queue and the originals stay in the data folder's
    /// embedded store (<c>AddEmbeddedStore</c>, added here too), so an index can always be rebuilt from them. The
    /// collection is named after the configured embedding model and created on the first write.
    /// </summary>
    public static IRagStackBuilder AddQdrantStore(this IRagStackBuilder builder, Action<QdrantStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.BindRagStackOptions(QdrantStoreOptions.Section, configure);
        var services = builder.Services;
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<QdrantStoreOptions>, QdrantStoreOptionsValidator>());
        services.RemoveAll<IChunkStore>();
        services.AddSingleton<IChunkStore>(sp => Create(
            sp.GetRequiredService<IOptions<QdrantStoreOptions>>().Value,
            sp.GetRequiredService<IOptions<EmbeddedStoreOptions>>().Value,
            sp.GetService<IEmbeddingGenerator<string, Embedding<float>>>()?.GetService<EmbeddingGeneratorMetadata>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance));
        // Its IChunkStore is not added: the one above is registered already.
        return builder.AddEmbeddedStore();
    }

    /// <summary>
    /// The store <c>RagStack:VectorStore</c> names: <c>Qdrant</c> adds <see cref="AddQdrantStore"/>, anything else (and
    /// unset) the embedded store, with <paramref name="embedded"/> for its settings. Hosts call this, so one setting
    /// moves the API, the CLI and a user's app alike.
    /// </summary>
    public static IRagStackBuilder AddConfiguredStore(this IRagStackBuilder builder, Action<EmbeddedStoreOptions>? embedded = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var kind = builder.Configuration[RagStackSections.VectorStore];
        if (string.Equals(kind?.Trim(), "Qdrant", StringComparison.OrdinalIgnoreCase))
        {
            if (embedded is not null)
            {
                builder.Services.Configure(embedded);
            }

            return builder.AddQdrantStore();
        }

        return builder.AddEmbeddedStore(embedded);
    }

    /// <summary>A Qdrant store on a gRPC channel of its own to <see cref="QdrantStoreOptions.Endpoint"/>, with the API key and TLS settings.</summary>
    internal static IChunkStore Create(QdrantStoreOptions options, EmbeddedStoreOptions keyword, EmbeddingGeneratorMetadata? model, TimeProvider time, ILoggerFactory loggers)
    {
        var channel = QdrantChannel.ForAddress(new Uri(options.Endpoint), new ClientConfiguration
        {
            ApiKey = options.ApiKey,
            CertificateThumbprint = options.CertificateThumbprint,
        });
        var client = new QdrantGrpcClient(channel.CreateCallInvoker());
        var size = model?.DefaultModelDimensions;
        var modelId = model?.DefaultModelId ?? "the embedding model";
        var collection = options.Collection ?? (model?.DefaultModelId is { } id && size is { } dimensions
            ? CollectionNames.ForModel(id, dimensions)
            : throw new OptionsValidationException(QdrantStoreOptions.Section, typeof(QdrantStoreOptions),
                [$"{QdrantStoreOptions.Section}:{nameof(QdrantStoreOptions.Collection)} is not set and no embedding model names it; set it, or add embeddings (AddOnnxEmbeddings)."]));
        return new QdrantChunkStore(client, ownsClient: true, options, collection, size, modelId, KeywordScoring.From(keyword), time, loggers.CreateLogger<QdrantChunkStore>());
    }
}
