using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RagStack.Answering;
using RagStack.Core.Tests.Support;
using RagStack.Documents;
using RagStack.Ingestion;
using RagStack.Retrieval;
using RagStack.Storage.Embedded;
using RagStack.Testing;
using Xunit;

namespace RagStack.Core.Tests.Client;

/// <summary>The in-process client over a real pipeline and embedded store, acting for its configured tenant.</summary>
public sealed class LocalRagStackClientTests : IAsyncLifetime
{
    private const string Lease = "# Lease\n\n## Termination\n\nEither party may end this lease by giving three months' written notice.";

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ragstack-local-client-");
    private ServiceProvider _services = null!;

    private IRagStackClient Client => _services.GetRequiredService<IRagStackClient>();

    public Task InitializeAsync()
    {
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton(TestModels.Embeddings);
        services.AddSingleton(TestModels.Tokens);
        services.AddRagStack(TestConfiguration.For(_folder.FullName)).AddEmbeddedStore().AddLocalClient(o => o.Tenant = "acme");
        _services = services.BuildServiceProvider();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        _folder.Delete(recursive: true);
    }

    [Fact]
    public async Task An_upload_is_ingested_before_the_call_returns_and_its_bytes_are_reported()
    {
        var reports = new List<UploadProgress>();

        var receipt = Assert.Single(await Client.UploadAsync("leases", [DocumentUpload.FromText("lease.md", Lease)], ["legal"], new SyncProgress(reports.Add)));

        Assert.Equal(DocumentStatus.Ready, receipt.Status);
        Assert.False(receipt.Unchanged);
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(Lease), Assert.Single(reports).BytesSent);
        var document = await Client.GetDocumentAsync("leases", receipt.Id);
        Assert.NotNull(document);
        Assert.Equal(["legal"], document.Tags);
        Assert.True(document.ChunkCount > 0);
    }

    [Fact]
    public async Task Every_call_acts_for_the_configured_tenant()
    {
        var receipt = Assert.Single(await Client.UploadAsync("leases", [DocumentUpload.FromText("lease.md", Lease)]));
        var ingestor = _services.GetRequiredService<IDocumentIngestor>();
        await ingestor.IngestAsync(new IngestRequest { Name = "other.md", Index = "leases", Tenant = "globex", OpenContent = () => new MemoryStream("# Other\n\nThree months' written notice ends the other lease."u8.ToArray()) });

        Assert.Equal(["lease.md"], (await Client.ListDocumentsAsync("leases")).Select(d => d.Name));
        var hits = await Client.SearchAsync(new SearchRequest { Query = "written notice", Index = "leases", Tenant = "globex" });
        Assert.All(hits, h => Assert.Equal("acme", h.Chunk.Tenant));
        var answer = await Client.AskAsync(new AskRequest { Question = "How much notice ends the lease?", Index = "leases", Tenant = "globex" });
        Assert.Equal(receipt.Id, answer.Sources[0].Citation.DocumentId);
    }

    [Fact]
    public async Task A_document_is_found_and_deleted_only_in_its_own_index()
    {
        var receipt = Assert.Single(await Client.UploadAsync("leases", [DocumentUpload.FromText("lease.md", Lease)]));

        Assert.Null(await Client.GetDocumentAsync("default", receipt.Id));
        Assert.False(await Client.DeleteDocumentAsync("default", receipt.Id));
        Assert.True(await Client.DeleteDocumentAsync("leases", receipt.Id));
        Assert.Null(await Client.GetDocumentAsync("leases", receipt.Id));
    }

    [Fact]
    public async Task A_streamed_answer_ends_with_the_finished_answer_and_its_sources()
    {
        await Client.UploadAsync("leases", [DocumentUpload.FromText("lease.md", Lease)]);
        Answer? answer = null;

        await foreach (var update in Client.AskStreamingAsync(new AskRequest { Question = "How much notice ends the lease?", Index = "leases" }))
        {
            answer ??= update.Completed;
        }

        Assert.NotNull(answer);
        Assert.Contains("three months", answer.Text, StringComparison.Ordinal);
        Assert.Equal("lease.md", answer.Sources[0].Citation.DocumentName);
    }

    [Fact]
    public void An_empty_tenant_stops_start_up_naming_the_setting()
    {
        var collection = new ServiceCollection();
        collection.AddRagStack(TestConfiguration.Empty()).AddLocalClient(o => o.Tenant = " ");
        using var services = collection.BuildServiceProvider();

        var e = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => services.GetRequiredService<Microsoft.Extensions.Options.IOptions<RagStack.Client.LocalClientOptions>>().Value);

        Assert.Contains("RagStack:LocalClient:Tenant", e.Message, StringComparison.Ordinal);
    }

    private sealed class SyncProgress(Action<UploadProgress> report) : IProgress<UploadProgress>
    {
        public void Report(UploadProgress value) => report(value);
    }
}
