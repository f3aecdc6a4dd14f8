using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RagStack.Ingestion;
using RagStack.Onnx;
using RagStack.Retrieval;
using RagStack.Storage.Embedded;

namespace RagStack.Cli.Hosting;

/// <summary>Builds the services a command needs on the embedded defaults: the data folder's store, ONNX embeddings, the pipeline.</summary>
internal static class CliServices
{
    public static ServiceProvider Build(DataFolder folder, Action<IngestionOptions>? ingestion = null, Action<RetrievalOptions>? retrieval = null, Action<EmbeddedStoreOptions>? store = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddRagStackEmbeddedStore(o =>
        {
            store?.Invoke(o);
            o.DataDirectory = folder.Path;
        });
        services.AddRagStackOnnxEmbeddings(o => o.Model = folder.EmbeddingModel);
        services.AddRagStack(ingestion, retrieval);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }
}
