using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using RagStack.Documents;
using RagStack.Retrieval;

namespace RagStack.Client.Tests;

/// <summary>What a document portal and viewer read through the typed client: live stages, the extracted text with spans, the original, re-ingestion and the status.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class DocumentPortalClientTests(ApiServer server)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private const string Manual = """
        # Pump manual

        ## Installing

        Mount the pump upright on a level base, at least 30 cm above the floor.

        ## Servicing

        Replace the seal every 2,000 hours of running.
        """;

    [Fact]
    public async Task Watching_an_index_shows_a_new_upload_move_through_its_stages_to_ready_and_then_its_deletion()
    {
        using var services = server.ClientServices();
        var client = services.GetRequiredService<IRagStackClient>();
        const string index = "watched";
        using var timeout = new CancellationTokenSource(Timeout);
        var changes = new List<DocumentChange>();
        var watching = Task.Run(async () =>
        {
            await foreach (var change in client.WatchDocumentsAsync(index, timeout.Token))
            {
                lock (changes)
                {
                    changes.Add(change);
                }

                if (change.Kind == DocumentChangeKind.Deleted)
                {
                    return;
                }
            }
        });
        await WaitUntilAsync(() => true, timeout.Token);

        var receipt = Assert.Single(await client.UploadAsync(index, [DocumentUpload.FromText("pump.md", Manual)]));
        await WaitUntilAsync(() => changes.Any(c => c.Document.Stage == DocumentStage.Ready), timeout.Token);
        Assert.True(await client.DeleteDocumentAsync(index, receipt.Id));
        await watching.WaitAsync(timeout.Token);

        List<DocumentChange> seen;
        lock (changes)
        {
            seen = [.. changes];
        }

        Assert.All(seen, c => Assert.Equal(receipt.Id, c.Document.Id));
        Assert.DoesNotContain(seen, c => c.Kind == DocumentChangeKind.Existing);
        var stages = seen.Where(c => c.Kind == DocumentChangeKind.Changed).Select(c => c.Document.Stage).ToList();
        Assert.Equal(DocumentStage.Ready, stages[^1]);
        Assert.Equal(stages.Order(), stages);
        var ready = seen.Last(c => c.Kind == DocumentChangeKind.Changed).Document;
        Assert.Equal((ready.ChunkCount, "text/markdown"), (ready.ChunksEmbedded, ready.ContentType));
        Assert.True(ready.ChunkCount > 0);
        Assert.Equal(DocumentChangeKind.Deleted, seen[^1].Kind);
    }

    [Fact]
    public async Task A_watch_starts_with_every_document_of_the_index_as_it_is_and_only_that_index()
    {
        using var services = server.ClientServices();
        var client = services.GetRequiredService<IRagStackClient>();
        var receipt = await UploadReadyAsync(client, "watched-existing", "pump.md", Manual);
        await UploadReadyAsync(client, "watched-elsewhere", "other.md", Manual);
        using var timeout = new CancellationTokenSource(Timeout);

        DocumentChange? first = null;
        await foreach (var change in client.WatchDocumentsAsync("watched-existing", timeout.Token))
        {
            first = change;
            break;
        }

        Assert.Equal(DocumentChangeKind.Existing, first!.Kind);
        Assert.Equal((receipt, DocumentStage.Ready), (first.Document.Id, first.Document.Stage));
    }

    [Fact]
    public async Task The_extracted_text_has_section_and_chunk_spans_that_a_search_citation_points_into()
    {
        using var services = server.ClientServices();
        var client = services.GetRequiredService<IRagStackClient>();
        const string index = "viewer";
        var id = await UploadReadyAsync(client, index, "pump.md", Manual);

        var content = await client.GetDocumentContentAsync(index, id);

        Assert.NotNull(content);
        Assert.Equal((id, DocumentStage.Ready), (content.Document.Id, content.Document.Stage));
        Assert.Contains("Replace the seal every 2,000 hours of running.", content.Text, StringComparison.Ordinal);
        Assert.Empty(content.Pages);
        var servicing = Assert.Single(content.Sections, s => s.Heading == "Servicing");
        Assert.Equal(("Pump manual › Servicing", 2), (servicing.Path, servicing.Level));
        Assert.StartsWith("Servicing", content.Text.Substring(servicing.Start, servicing.Length), StringComparison.Ordinal);
        Assert.EndsWith("running.", content.Text.Substring(servicing.Start, servicing.Length), StringComparison.Ordinal);
        var manual = Assert.Single(content.Sections, s => s.Level == 1);
        Assert.Equal((0, content.Text.Length), (manual.Start, manual.Length));
        Assert.Equal(content.Document.ChunkCount, content.Chunks.Count);
        Assert.Equal(Enumerable.Range(0, content.Chunks.Count), content.Chunks.Select(c => c.Position));

        var hit = (await client.SearchAsync(new SearchRequest { Query = "how often is the seal replaced", Index = index, Top = 1 }))[0];
        Assert.Equal(hit.Chunk.Text, content.Text[hit.Citation.Start..hit.Citation.End]);
        var chunk = Assert.Single(content.Chunks, c => c.ChunkId == hit.Chunk.Id);
        Assert.Equal((hit.Citation.Start, hit.Citation.End - hit.Citation.Start), (chunk.Start, chunk.Length));
        Assert.Equal("Pump manual › Servicing", chunk.Section);
    }

    [Fact]
    public async Task The_original_downloads_as_it_was_uploaded_and_an_unknown_document_is_null()
    {
        using var services = server.ClientServices();
        var client = services.GetRequiredService<IRagStackClient>();
        const string index = "originals";
        var id = await UploadReadyAsync(client, index, "pump.md", Manual);

        await using var original = await client.OpenOriginalAsync(index, id);
        using var reader = new StreamReader(original!.Content, Encoding.UTF8);

        Assert.Equal(Manual, await reader.ReadToEndAsync());
        Assert.Equal(("pump.md", "text/markdown"), (original.FileName, original.ContentType));
        Assert.Null(await client.OpenOriginalAsync(index, "no-such-document"));
        Assert.Null(await client.GetDocumentContentAsync(index, "no-such-document"));
        Assert.Null(await client.GetDocumentContentAsync("viewer-other-index", id));
        Assert.Null(await client.ReingestDocumentAsync(index, "no-such-document"));
    }

    [Fact]
    public async Task A_reingested_document_is_queued_and_becomes_ready_again_with_the_same_chunks()
    {
        using var services = server.ClientServices();
        var client = services.GetRequiredService<IRagStackClient>();
        const string index = "reingested";
        var id = await UploadReadyAsync(client, index, "pump.md", Manual);
        var before = (await client.GetDocumentAsync(index, id))!;

        var queued = await client.ReingestDocumentAsync(index, id);

        Assert.Equal((DocumentStatus.Queued, DocumentStage.Queued), (queued!.Status, queued.Stage));
        using var timeout = new CancellationTokenSource(Timeout);
        var ready = await client.WaitForDocumentAsync(index, id, cancellationToken: timeout.Token);
        Assert.Equal(DocumentStage.Ready, ready.Stage);
        Assert.Equal(before.ChunkCount, ready.ChunkCount);
        Assert.True(ready.UpdatedAt > before.UpdatedAt);
        Assert.NotEmpty(await client.SearchAsync(new SearchRequest { Query = "seal", Index = index }));
    }

    [Fact]
    public async Task Another_tenant_cannot_read_watch_or_reingest_a_document()
    {
        using var acme = server.ClientServices();
        using var other = server.ClientServices(ApiServer.OtherApiKey);
        const string index = "tenant-portal";
        var id = await UploadReadyAsync(acme.GetRequiredService<IRagStackClient>(), index, "pump.md", Manual);
        var client = other.GetRequiredService<IRagStackClient>();

        Assert.Null(await client.GetDocumentContentAsync(index, id));
        Assert.Null(await client.OpenOriginalAsync(index, id));
        Assert.Null(await client.ReingestDocumentAsync(index, id));
        using var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var seen = new List<DocumentChange>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var change in client.WatchDocumentsAsync(index, quiet.Token))
            {
                seen.Add(change);
            }
        });
        Assert.Empty(seen);
        Assert.DoesNotContain(index, (await client.GetStatusAsync()).Indexes);
    }

    [Fact]
    public async Task The_status_says_no_generator_is_installed_and_how_to_get_one_and_lists_indexes_and_domains()
    {
        using var services = server.ClientServices();
        var client = services.GetRequiredService<IRagStackClient>();
        await UploadReadyAsync(client, "status-index", "pump.md", Manual);

        var status = await client.GetStatusAsync();

        Assert.False(status.Generator);
        Assert.Null(status.GeneratorModel);
        Assert.Contains("ragstack models pull", status.GeneratorHint, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(status.EmbeddingModel));
        Assert.Contains("status-index", status.Indexes);
        Assert.Contains(new DomainInfo("legal", ApiServer.LegalIndex), status.Domains);
    }

    [Fact]
    public async Task A_bad_index_name_is_refused_by_name()
    {
        using var services = server.ClientServices();
        var client = services.GetRequiredService<IRagStackClient>();

        var refused = await Assert.ThrowsAsync<RagStackApiException>(() => client.GetDocumentContentAsync("bad name!", "x"));

        Assert.Equal((HttpStatusCode.BadRequest, "Invalid index name"), (refused.Status, refused.Title));
    }

    private static async Task<string> UploadReadyAsync(IRagStackClient client, string index, string name, string text)
    {
        var receipt = Assert.Single(await client.UploadAsync(index, [DocumentUpload.FromText(name, text)]));
        using var timeout = new CancellationTokenSource(Timeout);
        Assert.Equal(DocumentStage.Ready, (await client.WaitForDocumentAsync(index, receipt.Id, cancellationToken: timeout.Token)).Stage);
        return receipt.Id;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        // The watch's first read of the catalog happens on its first poll; give it that long before acting.
        await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        while (!condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }
    }
}
