using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RagStack.Answering;
using RagStack.Documents;
using RagStack.Domains;
using RagStack.Ingestion;
using RagStack.Retrieval;
using RagStack.Storage;
using RagStack.Storage.Embedded;
using RagStack.Testing;

namespace RagStack.Core.Tests.Support;

/// <summary>
/// A real pipeline on a real embedded store in a temporary data folder, with the real ONNX embedding model.
/// Each test makes its own, so tests never see each other's documents.
/// </summary>
internal sealed class PipelineFixture : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private PipelineFixture(DirectoryInfo folder, ServiceProvider services)
    {
        Folder = folder;
        _services = services;
    }

    public DirectoryInfo Folder { get; }

    public IDocumentIngestor Ingestor => _services.GetRequiredService<IDocumentIngestor>();

    public IRetriever Retriever => _services.GetRequiredService<IRetriever>();

    public IAnswerer Answerer => _services.GetRequiredService<IAnswerer>();

    public IDocumentCatalog Catalog => _services.GetRequiredService<IDocumentCatalog>();

    public IChunkStore Chunks => _services.GetRequiredService<IChunkStore>();

    public IBlobStore Blobs => _services.GetRequiredService<IBlobStore>();

    public static PipelineFixture Create(Action<IngestionOptions>? ingestion = null, IChatClient? chatClient = null, Action<AnsweringOptions>? answering = null, Action<DomainsOptions>? domains = null, Action<IRagStackBuilder>? compose = null)
    {
        var folder = Directory.CreateTempSubdirectory("ragstack-pipeline-");
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton(TestModels.Embeddings);
        services.AddSingleton(TestModels.Tokens);
        if (chatClient is not null)
        {
            services.AddSingleton(chatClient);
        }

        var rag = services.AddRagStack(TestConfiguration.For(folder.FullName)).AddEmbeddedStore();
        compose?.Invoke(rag);
        Configure(services, ingestion);
        Configure(services, answering);
        Configure(services, domains);
        return new PipelineFixture(folder, services.BuildServiceProvider());
    }

    private static void Configure<TOptions>(IServiceCollection services, Action<TOptions>? configure)
        where TOptions : class
    {
        if (configure is not null)
        {
            services.Configure(configure);
        }
    }

    public static IngestRequest Text(string name, string text, string index = "default", string tenant = "local", params string[] tags) => new()
    {
        Name = name,
        OpenContent = () => new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)),
        Index = index,
        Tenant = tenant,
        Tags = tags,
    };

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Folder.Delete(recursive: true);
    }
}
