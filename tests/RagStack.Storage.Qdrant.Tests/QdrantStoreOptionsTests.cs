using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RagStack.Storage.Embedded;

namespace RagStack.Storage.Qdrant.Tests;

public sealed class QdrantStoreOptionsTests
{
    private static IEnumerable<string> Failures(QdrantStoreOptions options) =>
        new QdrantStoreOptionsValidator().Validate(Options.DefaultName, options).Failures ?? [];

    [Fact]
    public void The_defaults_with_an_endpoint_are_valid()
    {
        Assert.Empty(Failures(new QdrantStoreOptions { Endpoint = "http://localhost:6334" }));
        Assert.Empty(Failures(new QdrantStoreOptions { Endpoint = "https://qdrant.internal:6334", ApiKey = "k", Quantization = QdrantQuantization.Int8 }));
    }

    [Theory]
    [InlineData("", "RagStack:Qdrant:Endpoint is not set; set it to Qdrant's gRPC address")]
    [InlineData("localhost:6334", "RagStack:Qdrant:Endpoint is 'localhost:6334'; set it to Qdrant's gRPC address")]
    [InlineData("ftp://qdrant:6334", "RagStack:Qdrant:Endpoint is 'ftp://qdrant:6334'")]
    public void An_endpoint_that_is_no_grpc_address_is_refused_by_name(string endpoint, string expected)
    {
        Assert.StartsWith(expected, Assert.Single(Failures(new QdrantStoreOptions { Endpoint = endpoint })), StringComparison.Ordinal);
    }

    [Fact]
    public void Cluster_settings_that_cannot_work_are_refused_by_name()
    {
        var failures = Failures(new QdrantStoreOptions
        {
            Endpoint = "http://q:6334",
            ShardNumber = 0,
            ReplicationFactor = 2,
            WriteConsistencyFactor = 3,
            UpsertBatchSize = 0,
            Collection = "bad name!",
            MaxRetryDelay = TimeSpan.FromMilliseconds(1),
        }).ToList();

        Assert.Contains("RagStack:Qdrant:ShardNumber is 0; it must be at least 1.", failures);
        Assert.Contains("RagStack:Qdrant:WriteConsistencyFactor is 3; it must be between 1 and ReplicationFactor.", failures);
        Assert.Contains("RagStack:Qdrant:UpsertBatchSize is 0; it must be between 1 and 10000.", failures);
        Assert.Contains(failures, f => f.StartsWith("RagStack:Qdrant:Collection is 'bad name!'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("RagStack:Qdrant:MaxRetryDelay is", StringComparison.Ordinal));
    }

    private static ServiceProvider Compose(Dictionary<string, string?> settings, string dataDirectory)
    {
        settings[RagStackSections.DataDirectory] = dataDirectory;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddRagStack(configuration).AddConfiguredStore();
        return services.BuildServiceProvider();
    }

    [Fact]
    public void The_vector_store_setting_chooses_qdrant_for_chunks_and_keeps_documents_in_the_data_folder()
    {
        using var folder = new TemporaryFolder("ragstack-qdrant-compose-");
        using var provider = Compose(new()
        {
            ["RagStack:VectorStore"] = "Qdrant",
            ["RagStack:Qdrant:Endpoint"] = "http://localhost:6334",
            ["RagStack:Qdrant:Collection"] = "ragstack_test_8",
            ["RagStack:Qdrant:ShardNumber"] = "6",
        }, folder.FullName);

        var chunks = provider.GetRequiredService<IChunkStore>();

        Assert.Equal("ragstack_test_8", Assert.IsType<QdrantChunkStore>(chunks).Collection);
        Assert.Equal(6, provider.GetRequiredService<IOptions<QdrantStoreOptions>>().Value.ShardNumber);
        Assert.NotNull(provider.GetRequiredService<RagStack.Documents.IDocumentCatalog>());
        Assert.True(File.Exists(Path.Combine(folder.FullName, EmbeddedStore.DatabaseFileName)));
    }

    [Fact]
    public void Without_the_setting_the_embedded_store_holds_the_chunks()
    {
        using var folder = new TemporaryFolder("ragstack-qdrant-compose-");
        using var provider = Compose([], folder.FullName);

        Assert.Same(provider.GetRequiredService<EmbeddedStore>().Chunks, provider.GetRequiredService<IChunkStore>());
    }

    [Fact]
    public void A_misspelt_qdrant_setting_stops_the_start_by_name()
    {
        using var folder = new TemporaryFolder("ragstack-qdrant-compose-");
        using var provider = Compose(new() { ["RagStack:VectorStore"] = "Qdrant", ["RagStack:Qdrant:Endpoint"] = "http://q:6334", ["RagStack:Qdrant:Shards"] = "3" }, folder.FullName);

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<QdrantStoreOptions>>().Value);

        Assert.Contains(error.Failures, f => f.StartsWith("RagStack:Qdrant:Shards is not a setting", StringComparison.Ordinal));
    }
}
