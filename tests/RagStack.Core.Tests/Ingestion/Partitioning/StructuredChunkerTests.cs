using Xunit;
using RagStack.Core.Tests.Support;
using RagStack.Extraction;
using RagStack.Ingestion.Partitioning;

namespace RagStack.Core.Tests.Ingestion.Partitioning;

public sealed class StructuredChunkerTests
{
    private static StructuredChunker Chunker(int maxTokens = 64, int overlap = 8) =>
        new(TestModels.Tokens, new ChunkingOptions { MaxTokens = maxTokens, OverlapTokens = overlap });

    private static string Sentences(string topic, int count) =>
        string.Join(' ', Enumerable.Range(1, count).Select(i => $"Sentence {i} explains one more detail about {topic} in plain words."));

    [Fact]
    public void Every_chunk_is_the_exact_span_of_the_document_text_it_claims()
    {
        var document = new ExtractedDocument("text/markdown", [
            new ExtractedBlock("LoRA", BlockKind.Heading) { HeadingLevel = 1 },
            new ExtractedBlock(Sentences("low-rank adapters", 30), SectionPath: ["LoRA"]),
            new ExtractedBlock("Rank", BlockKind.Heading, SectionPath: ["LoRA"]) { HeadingLevel = 2 },
            new ExtractedBlock(Sentences("the rank r", 12), SectionPath: ["LoRA", "Rank"]),
        ]);

        var chunks = Chunker().Chunk(document);

        Assert.True(chunks.Count > 3);
        foreach (var chunk in chunks)
        {
            Assert.Equal(document.Text[chunk.Start..chunk.End], chunk.Text);
        }
    }

    [Fact]
    public void No_chunk_exceeds_the_token_budget_counted_by_the_model_tokenizer()
    {
        var document = new ExtractedDocument("text/plain", [new ExtractedBlock(Sentences("quantization", 80))]);

        var chunks = Chunker(maxTokens: 50).Chunk(document);

        Assert.All(chunks, c => Assert.True(TestModels.Tokens.CountTokens(c.Text) <= 50, $"chunk {c.Position} has {TestModels.Tokens.CountTokens(c.Text)} tokens"));
        Assert.All(chunks, c => Assert.Equal(TestModels.Tokens.CountTokens(c.Text), c.TokenCount));
    }

    [Fact]
    public void A_paragraph_cut_by_the_budget_repeats_the_previous_chunks_last_sentence()
    {
        var document = new ExtractedDocument("text/plain", [new ExtractedBlock(Sentences("the KV cache", 20))]);

        var chunks = Chunker(maxTokens: 64, overlap: 16).Chunk(document);

        Assert.True(chunks.Count >= 2);
        for (var i = 1; i < chunks.Count; i++)
        {
            Assert.True(chunks[i].Start < chunks[i - 1].End, $"chunk {i} should start inside chunk {i - 1}");
        }
    }

    [Fact]
    public void A_heading_starts_a_new_chunk_and_its_text_carries_the_section_path()
    {
        var document = new ExtractedDocument("text/markdown", [
            new ExtractedBlock("Quantization", BlockKind.Heading) { HeadingLevel = 1 },
            new ExtractedBlock("Q8_0 stores 8-bit weights in blocks of 32.", SectionPath: ["Quantization"]),
            new ExtractedBlock("K-quants", BlockKind.Heading, SectionPath: ["Quantization"]) { HeadingLevel = 2 },
            new ExtractedBlock("Q4_K_M mixes 4- and 6-bit blocks.", SectionPath: ["Quantization", "K-quants"]),
        ]);

        var chunks = Chunker().Chunk(document);

        Assert.Equal(2, chunks.Count);
        Assert.StartsWith("Quantization", chunks[0].Text, StringComparison.Ordinal);
        Assert.Equal(["Quantization"], chunks[0].SectionPath);
        Assert.StartsWith("K-quants", chunks[1].Text, StringComparison.Ordinal);
        Assert.Equal(["Quantization", "K-quants"], chunks[1].SectionPath);
    }

    [Fact]
    public void A_page_change_starts_a_new_chunk_so_each_chunk_cites_one_page()
    {
        var document = new ExtractedDocument("application/pdf", [
            new ExtractedBlock("Page one talks about attention.", Page: 1),
            new ExtractedBlock("Page two talks about the KV cache.", Page: 2),
        ], pageCount: 2);

        var chunks = Chunker().Chunk(document);

        Assert.Equal([1, 2], chunks.Select(c => c.Page ?? 0));
        Assert.Contains("KV cache", chunks[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Small_paragraphs_of_one_section_are_packed_together()
    {
        var document = new ExtractedDocument("text/plain", [
            new ExtractedBlock("First short paragraph."),
            new ExtractedBlock("Second short paragraph."),
            new ExtractedBlock("Third short paragraph."),
        ]);

        var chunks = Chunker().Chunk(document);

        Assert.Single(chunks);
        Assert.Equal(document.Text, chunks[0].Text);
    }

    [Fact]
    public void A_single_word_longer_than_the_budget_is_cut_rather_than_dropped()
    {
        var blob = string.Concat(Enumerable.Repeat("QmFzZTY0IGJsb2I", 60));
        var document = new ExtractedDocument("text/plain", [new ExtractedBlock($"Data: {blob} end.")]);

        var chunks = Chunker(maxTokens: 32, overlap: 0).Chunk(document);

        Assert.All(chunks, c => Assert.True(TestModels.Tokens.CountTokens(c.Text) <= 32));
        Assert.Equal(blob.Length, chunks.Sum(c => c.Text.Replace("Data: ", "", StringComparison.Ordinal).Replace(" end.", "", StringComparison.Ordinal).Length));
    }

    [Fact]
    public void The_budget_leaves_room_for_the_header_inside_the_model_window()
    {
        var chunker = new StructuredChunker(TestModels.Tokens, new ChunkingOptions { MaxTokens = 10_000, HeaderTokens = 40 });

        Assert.Equal(TestModels.Tokens.MaxTokens - 40, chunker.Budget);
    }
}
