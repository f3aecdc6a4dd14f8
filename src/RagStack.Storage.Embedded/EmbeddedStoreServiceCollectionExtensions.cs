using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RagStack.Documents;
using RagStack.Ingestion;
using RagStack.Storage;
using RagStack.Storage.Embedded;

namespace RagStack;

/// <summary>Adds the embedded default store to a RagStack.</summary>
public static class EmbeddedStoreServiceCollectionExtensions
{
    /// <summary>
    /// Stores documents, chunks, vectors, keywords, originals, the ingestion queue and conversations in the data folder
    /// (<c>RagStack:DataDirectory</c>): <see cref="IDocumentCatalog"/>, <see cref="IChunkStore"/>, <see cref="IBlobStore"/>,
    /// <see cref="IIngestionQueue"/> and <see cref="Conversations.IConversationStore"/> as singletons backed by one <see cref="EmbeddedStore"/>, opened on first use and
    /// disposed with the container. Settings come from <c>RagStack:Storage:Embedded</c>, then <paramref name="configure"/>.
    /// </summary>
    public static IRagStackBuilder AddEmbeddedStore(this IRagStackBuilder builder, Action<EmbeddedStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var folder = RagStackDataDirectory.Resolve(builder.Configuration[RagStackSections.DataDirectory]);
        builder.Services.AddOptions<EmbeddedStoreOptions>().Configure(o => o.DataDirectory = folder);
        builder.BindRagStackOptions(EmbeddedStoreOptions.Section, configure);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EmbeddedStoreOptions>, EmbeddedStoreOptionsValidator>());
        var services = builder.Services;
        services.TryAddSingleton(sp => EmbeddedStore.Open(
            sp.GetRequiredService<IOptions<EmbeddedStoreOptions>>().Value,
            sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance,
            sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.TryAddSingleton(sp => sp.GetRequiredService<EmbeddedStore>().Documents);
        services.TryAddSingleton(sp => sp.GetRequiredService<EmbeddedStore>().Chunks);
        services.TryAddSingleton(sp => sp.GetRequiredService<EmbeddedStore>().Blobs);
        services.TryAddSingleton(sp => sp.GetRequiredService<EmbeddedStore>().IngestionQueue);
        services.TryAddSingleton(sp => sp.GetRequiredService<EmbeddedStore>().Conversations);
        return builder;
    }
}
