using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using RagStack.Ingestion;

namespace RagStack.Api.Tests;

/// <summary>
/// The service hosted in process on a fresh data folder (real SQLite, Lucene, USearch and ONNX embeddings), with two
/// documents ingested through the real pipeline: a gardening note in <c>default</c> and a contract in <c>contracts</c>,
/// the index of the configured domain <c>legal</c>.
/// </summary>
public class ApiFixture : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string GardeningDocument = "tomatoes.md";
    public const string ContractDocument = "lease.md";
    public const string LegalIndex = "contracts";

    public const string Gardening = """
        # Growing tomatoes

        ## Watering

        Tomato plants need deep watering twice a week; water the soil, not the leaves, so blight does not spread.

        ## Pruning

        Pinch out the side shoots that grow between the stem and a branch, so the plant puts its energy into fruit.
        """;

    public const string Contract = """
        # Office lease

        ## Termination

        Either party may end this lease by giving three months' written notice to the other party.

        ## Rent

        Rent is paid monthly in advance, on the first working day of each month.
        """;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "ragstack-api-tests-" + Guid.NewGuid().ToString("N"));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("RagStack:DataDirectory", DataDirectory);
        builder.UseSetting("RagStack:Domains:legal:Index", LegalIndex);
        builder.UseSetting("RagStack:Domains:garden:SystemPrompt", "Answer as a gardener.");
    }

    public async Task InitializeAsync()
    {
        var ingestor = Services.GetRequiredService<IDocumentIngestor>();
        await Ingest(ingestor, GardeningDocument, Gardening, "default");
        await Ingest(ingestor, ContractDocument, Contract, LegalIndex);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file the store still maps is left for the OS to clean; the folder is in the temp directory.
        }
    }

    private static async Task Ingest(IDocumentIngestor ingestor, string name, string text, string index)
    {
        var result = await ingestor.IngestAsync(new IngestRequest
        {
            Name = name,
            Index = index,
            OpenContent = () => new MemoryStream(Encoding.UTF8.GetBytes(text)),
        });
        Assert.True(result.Outcome == IngestOutcome.Ingested, $"{name}: {result.Outcome} {result.Error}");
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}
