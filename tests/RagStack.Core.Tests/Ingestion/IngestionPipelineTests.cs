using Xunit;
using RagStack.Chunks;
using RagStack.Core.Tests.Support;
using RagStack.Documents;
using RagStack.Ingestion;
using RagStack.Retrieval;

namespace RagStack.Core.Tests.Ingestion;

public sealed class IngestionPipelineTests
{
    private const string Lora = "# LoRA\n\nLoRA freezes the base weights and trains two low-rank matrices A and B per adapted projection.\n\n## Parameter count\n\nFor a 4096 by 4096 projection at rank 8, LoRA trains 65,536 parameters.\n";

    [Fact]
    public async Task A_markdown_document_becomes_ready_with_cited_chunks()
    {
        await using var fixture = PipelineFixture.Create();

        var result = await fixture.Ingestor.IngestAsync(PipelineFixture.Text("lora.md", Lora));

        Assert.Equal(IngestOutcome.Ingested, result.Outcome);
        var document = await fixture.Catalog.GetAsync("local", result.Document!.Id);
        Assert.Equal(DocumentStatus.Ready, document!.Status);
        Assert.Equal(PipelineSteps.Index, document.CompletedStep);
        Assert.Equal("text/markdown", document.ContentType);
        var chunks = await fixture.Chunks.GetDocumentChunksAsync("local", "default", document.Id);
        Assert.Equal(document.ChunkCount, chunks.Count);
        Assert.Contains(chunks, c => c.SectionPath.SequenceEqual(["LoRA", "Parameter count"]) && c.Text.Contains("65,536", StringComparison.Ordinal));
        Assert.All(chunks, c => Assert.Equal(384, c.Vector.Length));
        Assert.True(fixture.Blobs.Exists(document.ContentHash));
    }

    [Fact]
    public async Task The_embedded_text_carries_title_and_section_once_each()
    {
        await using var fixture = PipelineFixture.Create();
        var pipeline = Assert.IsType<IngestionPipeline>(fixture.Ingestor);
        var chunk = new ChunkRecord { Id = "c", DocumentId = "d", Index = "i", Tenant = "t", DocumentName = "paper.md", SectionPath = ["Paper title"], Text = "Paper title\n\nThe abstract." };

        // The title is the first heading and the chunk starts with it: no header is needed.
        Assert.Equal("Paper title\n\nThe abstract.", pipeline.EmbeddingText("Paper title", chunk));
        // A nested section: the document title and the parent heading lead; the chunk's own heading is already in its text.
        Assert.Equal("Guide › LoRA\nRank\n\nThe rank r.", pipeline.EmbeddingText("Guide", chunk with { SectionPath = ["LoRA", "Rank"], Text = "Rank\n\nThe rank r." }));
        // A continuation chunk of a section gets the full path.
        Assert.Equal("Guide › LoRA › Rank\nMore about r.", pipeline.EmbeddingText("Guide", chunk with { SectionPath = ["LoRA", "Rank"], Text = "More about r." }));
    }

    [Fact]
    public async Task Reingesting_unchanged_bytes_writes_nothing()
    {
        await using var fixture = PipelineFixture.Create();
        var first = await fixture.Ingestor.IngestAsync(PipelineFixture.Text("lora.md", Lora));
        var database = Path.Combine(fixture.Folder.FullName, "ragstack.db");
        var before = await fixture.Catalog.GetAsync("local", first.Document!.Id);

        var second = await fixture.Ingestor.IngestAsync(PipelineFixture.Text("lora.md", Lora));

        Assert.Equal(IngestOutcome.Unchanged, second.Outcome);
        Assert.Equal(before, await fixture.Catalog.GetAsync("local", first.Document.Id));
        Assert.True(File.Exists(database));
    }

    [Fact]
    public async Task Changed_bytes_replace_the_old_chunks_and_the_old_original()
    {
        await using var fixture = PipelineFixture.Create();
        var first = await fixture.Ingestor.IngestAsync(PipelineFixture.Text("notes.txt", "The KV cache stores keys and values of past tokens."));

        var second = await fixture.Ingestor.IngestAsync(PipelineFixture.Text("notes.txt", "Speculative decoding lets a draft model propose tokens."));

        Assert.Equal(IngestOutcome.Ingested, second.Outcome);
        Assert.Equal(first.Document!.Id, second.Document!.Id);
        var chunks = await fixture.Chunks.GetDocumentChunksAsync("local", "default", second.Document.Id);
        Assert.All(chunks, c => Assert.DoesNotContain("KV cache", c.Text, StringComparison.Ordinal));
        Assert.Contains(chunks, c => c.Text.Contains("draft model", StringComparison.Ordinal));
        Assert.False(fixture.Blobs.Exists(first.Document.ContentHash));
        Assert.True(fixture.Blobs.Exists(second.Document.ContentHash));
    }

    [Fact]
    public async Task Delete_removes_a_document_from_catalog_index_and_blob_store()
    {
        await using var fixture = PipelineFixture.Create();
        var result = await fixture.Ingestor.IngestAsync(PipelineFixture.Text("lora.md", Lora));

        Assert.True(await fixture.Ingestor.DeleteAsync("local", result.Document!.Id));

        Assert.Null(await fixture.Catalog.GetAsync("local", result.Document.Id));
        Assert.Empty(await fixture.Chunks.GetDocumentChunksAsync("local", "default", result.Document.Id));
        Assert.Empty(await fixture.Retriever.SearchAsync(new SearchRequest { Query = "LoRA parameters" }));
        Assert.False(fixture.Blobs.Exists(result.Document.ContentHash));
        Assert.False(await fixture.Ingestor.DeleteAsync("local", result.Document.Id));
    }

    [Fact]
    public async Task Shared_bytes_stay_stored_while_another_document_uses_them()
    {
        await using var fixture = PipelineFixture.Create();
        var one = await fixture.Ingestor.IngestAsync(PipelineFixture.Text("one.txt", "Same bytes in two files."));
        await fixture.Ingestor.IngestAsync(PipelineFixture.Text("two.txt", "Same bytes in two files."));

        await fixture.Ingestor.DeleteAsync("local", one.Document!.Id);

        Assert.True(fixture.Blobs.Exists(one.Document.ContentHash));
    }

    [Fact]
    public async Task A_bad_file_fails_with_its_reason_and_the_rest_of_the_batch_goes_on()
    {
        await using var fixture = PipelineFixture.Create();
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
        var requests = new[]
        {
            PipelineFixture.Text("good-1.txt", "Continuous batching lets new requests join between decode steps."),
            new IngestRequest { Name = "picture.pdf", OpenContent = () => new MemoryStream(png) },
            PipelineFixture.Text("empty.txt", "   \n\n  "),
            new IngestRequest { Name = "unreadable.txt", OpenContent = () => throw new IOException("disk read error") },
            PipelineFixture.Text("good-2.txt", "PagedAttention stores the KV cache in fixed-size blocks."),
        };

        var results = new List<IngestResult>();
        await foreach (var result in fixture.Ingestor.IngestManyAsync(requests))
        {
            results.Add(result);
        }

        Assert.Equal(5, results.Count);
        var byName = results.ToDictionary(r => r.Request.Name);
        Assert.Equal(IngestOutcome.Ingested, byName["good-1.txt"].Outcome);
        Assert.Equal(IngestOutcome.Ingested, byName["good-2.txt"].Outcome);
        Assert.Equal(IngestOutcome.Failed, byName["picture.pdf"].Outcome);
        Assert.Contains("PNG", byName["picture.pdf"].Error, StringComparison.Ordinal);
        Assert.Equal(PipelineSteps.Extract, byName["picture.pdf"].Document!.FailedStep);
        Assert.Equal(IngestOutcome.Failed, byName["empty.txt"].Outcome);
        Assert.Equal(IngestOutcome.Failed, byName["unreadable.txt"].Outcome);
        Assert.Contains("disk read error", byName["unreadable.txt"].Error, StringComparison.Ordinal);
        var failed = await fixture.Catalog.GetAsync("local", byName["picture.pdf"].Document!.Id);
        Assert.Equal(DocumentStatus.Failed, failed!.Status);
    }

    [Fact]
    public async Task An_oversized_file_is_refused_before_it_is_stored()
    {
        await using var fixture = PipelineFixture.Create(o => o.Extraction = o.Extraction with { MaxBytes = 1024 });

        var result = await fixture.Ingestor.IngestAsync(PipelineFixture.Text("big.txt", new string('a', 4096)));

        Assert.Equal(IngestOutcome.Failed, result.Outcome);
        Assert.Contains("limit", result.Error, StringComparison.Ordinal);
        Assert.Empty(await fixture.Catalog.ListAsync("local"));
    }

    [Fact]
    public async Task A_failed_new_version_keeps_the_old_chunks_searchable()
    {
        await using var fixture = PipelineFixture.Create();
        var first = await fixture.Ingestor.IngestAsync(PipelineFixture.Text("notes.txt", "Quantization stores weights in fewer bits."));

        var broken = await fixture.Ingestor.IngestAsync(new IngestRequest { Name = "notes.txt", OpenContent = () => new MemoryStream([0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0]) });

        Assert.Equal(IngestOutcome.Failed, broken.Outcome);
        Assert.NotEmpty(await fixture.Chunks.GetDocumentChunksAsync("local", "default", first.Document!.Id));
    }

    [Fact]
    public async Task Cancelling_an_ingestion_stops_it_and_marks_the_document_failed_not_half_done()
    {
        await using var fixture = PipelineFixture.Create();
        using var cancellation = new CancellationTokenSource();
        var request = new IngestRequest
        {
            Name = "slow.txt",
            OpenContent = () =>
            {
                cancellation.Cancel();
                return new MemoryStream("Text that never gets embedded."u8.ToArray());
            },
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fixture.Ingestor.IngestAsync(request, cancellation.Token));

        var documents = await fixture.Catalog.ListAsync("local");
        Assert.All(documents, d => Assert.NotEqual(DocumentStatus.Processing, d.Status));
    }
}
