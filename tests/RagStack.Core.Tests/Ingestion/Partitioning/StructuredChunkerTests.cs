using Xunit;
using RagStack.Core.Tests.Support;
using RagStack.Extraction;
using RagStack.Ingestion.Partitioning;

namespace RagStack.Core.Tests.Ingestion.Partitioning;

public sealed class StructuredChunkerTests
{
    private static StructuredChunker Chunker(int maxTokens = 64, int overlap = 8, int packTokens = 64) =>
        new(TestModels.Tokens, new ChunkingOptions { MaxTokens = maxTokens, OverlapTokens = overlap, PackTokens = packTokens });

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
    public void A_paragraph_after_a_chunk_that_holds_the_packing_budget_starts_its_own_chunk()
    {
        var document = new ExtractedDocument("text/plain", [
            new ExtractedBlock(Sentences("ferries", 2)),
            new ExtractedBlock(Sentences("water", 2)),
            new ExtractedBlock("A short note."),
        ]);

        var small = Chunker(maxTokens: 200, packTokens: 16).Chunk(document);
        var packed = Chunker(maxTokens: 200, packTokens: 200).Chunk(document);

        Assert.Equal(3, small.Count);
        Assert.Contains("ferries", small[0].Text, StringComparison.Ordinal);
        Assert.DoesNotContain("water", small[0].Text, StringComparison.Ordinal);
        Assert.Equal(document.Text[small[1].Start..small[1].End], small[1].Text);
        Assert.Single(packed);
    }

    [Fact]
    public void Sentences_of_one_paragraph_cut_by_the_budget_are_packed_up_to_the_budget_not_the_packing_budget()
    {
        var document = new ExtractedDocument("text/plain", [new ExtractedBlock(Sentences("the KV cache", 20))]);

        var chunks = Chunker(maxTokens: 64, overlap: 8, packTokens: 1).Chunk(document);

        Assert.All(chunks, c => Assert.True(c.TokenCount > 20, $"chunk {c.Position} holds only {c.TokenCount} tokens"));
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
