using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RagStack.Documents;
using RagStack.Ingestion;

namespace RagStack.Storage.Embedded;

/// <summary>Registers the embedded default store.</summary>
public static class EmbeddedStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IDocumentCatalog"/>, <see cref="IChunkStore"/>, <see cref="IBlobStore"/> and <see cref="IIngestionQueue"/> as singletons backed
    /// by one <see cref="EmbeddedStore"/>, opened on first use and disposed with the container.
    /// </summary>
    public static IServiceCollection AddRagStackEmbeddedStore(this IServiceCollection services, Action<EmbeddedStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new EmbeddedStoreOptions();
        configure(options);
        options.Validate();
        services.AddSingleton(sp => EmbeddedStore.Open(
            options,
            sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance,
            sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSingleton(sp => sp.GetRequiredService<EmbeddedStore>().Documents);
        services.AddSingleton(sp => sp.GetRequiredService<EmbeddedStore>().Chunks);
        services.AddSingleton(sp => sp.GetRequiredService<EmbeddedStore>().Blobs);
        services.AddSingleton(sp => sp.GetRequiredService<EmbeddedStore>().IngestionQueue);
        return services;
    }
}
