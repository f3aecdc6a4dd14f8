using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RagStack.Answering;
using RagStack.Ingestion;
using RagStack.Onnx;
using RagStack.Retrieval;
using RagStack.Storage.Embedded;

namespace RagStack.Cli.Hosting;

/// <summary>
/// Builds the services a command needs on the embedded defaults: the data folder's store, ONNX embeddings, the pipeline,
/// and the answerer, which writes with the chat client when <c>Build</c> is given one and answers extractively otherwise.
/// Domains are bound from the folder's configuration (<see cref="CliConfiguration"/>).
/// </summary>
internal static class CliServices
{
    public static ServiceProvider Build(
        DataFolder folder,
        Action<IngestionOptions>? ingestion = null,
        Action<RetrievalOptions>? retrieval = null,
        Action<EmbeddedStoreOptions>? store = null,
        IChatClient? chatClient = null,
        Action<AnsweringOptions>? answering = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddRagStackEmbeddedStore(o =>
        {
            store?.Invoke(o);
            o.DataDirectory = folder.Path;
        });
        services.AddRagStackOnnxEmbeddings(o => o.Model = folder.EmbeddingModel);
        if (chatClient is not null)
        {
            services.AddSingleton(chatClient);
        }

        var configuration = CliConfiguration.Load(folder);
        services.AddRagStack(
            ingestion,
            retrieval,
            options =>
            {
                options.PromptsDirectory = PromptFolder.Find();
                answering?.Invoke(options);
            },
            domains => CliConfiguration.BindDomains(configuration, domains));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }
}
