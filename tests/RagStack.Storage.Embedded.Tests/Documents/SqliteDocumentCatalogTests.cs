using RagStack.Documents;

namespace RagStack.Storage.Embedded.Tests.Documents;

public sealed class SqliteDocumentCatalogTests : IAsyncLifetime
{
    private readonly TemporaryFolder _folder = new("ragstack-store-tests-");
    private EmbeddedStore? _store;

    private IDocumentCatalog Catalog => _store!.Documents;

    public async Task InitializeAsync() => _store = await EmbeddedStore.OpenAsync(new EmbeddedStoreOptions { DataDirectory = _folder.FullName });

    public async Task DisposeAsync()
    {
        await _store!.DisposeAsync();
        _folder.Dispose();
    }

    private static DocumentRecord Document(string tenant, string id, string name = "guide.pdf", string index = "docs", string hash = "aa") => new()
    {
        Tenant = tenant,
        Id = id,
        Index = index,
        Name = name,
        ContentHash = hash,
        ContentType = "application/pdf",
        SizeBytes = 12345,
        Tags = ["manual", "v2"],
        Status = DocumentStatus.Failed,
        CompletedStep = PipelineSteps.Partition,
        FailedStep = PipelineSteps.Embed,
        Error = "The embedding model is missing.",
        ChunkCount = 7,
        PageCount = 3,
        CreatedAt = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)),
        UpdatedAt = new DateTimeOffset(2025, 1, 2, 3, 4, 6, 789, TimeSpan.Zero),
    };

    [Fact]
    public async Task An_upserted_document_reads_back_with_every_field()
    {
        var document = Document("t", "d1");

        await Catalog.UpsertAsync(document);
        var read = await Catalog.GetAsync("t", "d1");

        Assert.NotNull(read);
        Assert.Equal(document with { Tags = read.Tags }, read);
        Assert.Equal(document.Tags, read.Tags);
    }

    [Fact]
    public async Task Upserting_the_same_id_replaces_the_record()
    {
        await Catalog.UpsertAsync(Document("t", "d1"));

        await Catalog.UpsertAsync(Document("t", "d1") with { Status = DocumentStatus.Ready, FailedStep = null, Error = null, PageCount = null, Tags = [] });
        var read = await Catalog.GetAsync("t", "d1");

        Assert.Equal(DocumentStatus.Ready, read!.Status);
        Assert.Null(read.Error);
        Assert.Null(read.PageCount);
        Assert.Empty(read.Tags);
        Assert.Single(await Catalog.ListAsync("t"));
    }

    [Fact]
    public async Task A_missing_document_reads_as_null()
    {
        Assert.Null(await Catalog.GetAsync("t", "nope"));
    }

    [Fact]
    public async Task Listing_returns_one_tenants_documents_ordered_by_name_optionally_of_one_index()
    {
        await Catalog.UpsertAsync(Document("t", "1", name: "zeta.md"));
        await Catalog.UpsertAsync(Document("t", "2", name: "alpha.md", index: "other"));
        await Catalog.UpsertAsync(Document("t", "3", name: "mid.md"));
        await Catalog.UpsertAsync(Document("u", "4", name: "beta.md"));

        Assert.Equal(["alpha.md", "mid.md", "zeta.md"], (await Catalog.ListAsync("t")).Select(d => d.Name));
        Assert.Equal(["mid.md", "zeta.md"], (await Catalog.ListAsync("t", "docs")).Select(d => d.Name));
        Assert.Equal(["beta.md"], (await Catalog.ListAsync("u")).Select(d => d.Name));
    }

    [Fact]
    public async Task Deleting_reports_whether_the_document_existed()
    {
        await Catalog.UpsertAsync(Document("t", "d1"));

        Assert.True(await Catalog.DeleteAsync("t", "d1"));
        Assert.False(await Catalog.DeleteAsync("t", "d1"));
        Assert.Null(await Catalog.GetAsync("t", "d1"));
    }

    [Fact]
    public async Task Content_stays_referenced_while_any_tenant_has_a_document_with_it()
    {
        await Catalog.UpsertAsync(Document("t", "d1", hash: "shared"));
        await Catalog.UpsertAsync(Document("u", "d2", hash: "shared"));

        await Catalog.DeleteAsync("t", "d1");
        Assert.True(await Catalog.IsContentReferencedAsync("shared"));
        await Catalog.DeleteAsync("u", "d2");
        Assert.False(await Catalog.IsContentReferencedAsync("shared"));
    }

    [Fact]
    public async Task Documents_survive_reopening_the_data_folder()
    {
        await Catalog.UpsertAsync(Document("t", "d1"));
        await _store!.DisposeAsync();

        _store = await EmbeddedStore.OpenAsync(new EmbeddedStoreOptions { DataDirectory = _folder.FullName });

        Assert.NotNull(await Catalog.GetAsync("t", "d1"));
    }
}
