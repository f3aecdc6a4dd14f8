using Xunit;
using Microsoft.Extensions.DependencyInjection;
using RagStack.Core.Tests.Support;
using RagStack.Ingestion;
using RagStack.Retrieval;

namespace RagStack.Core.Tests.Retrieval;

public sealed class HybridRetrieverTests
{
    private static async Task<PipelineFixture> CorpusAsync(Action<IRagStackBuilder>? compose = null)
    {
        var fixture = PipelineFixture.Create(compose: compose);
        var requests = new[]
        {
            PipelineFixture.Text("lora.md", "# LoRA\n\nLoRA trains two low-rank matrices per projection; at rank 8 a 4096-wide projection trains 65,536 parameters.", tags: "training"),
            PipelineFixture.Text("kv-cache.md", "# KV cache\n\nThe KV cache keeps the keys and values of earlier tokens so decoding does not recompute them.", tags: "serving"),
            PipelineFixture.Text("diffusion.md", "# Latent diffusion\n\nA VAE compresses images into latents, and a U-Net denoises them step by step.", tags: "imaging"),
            PipelineFixture.Text("other-index.md", "# LoRA elsewhere\n\nLoRA low-rank adapters in another index.", index: "other"),
            PipelineFixture.Text("other-tenant.md", "# LoRA secret\n\nLoRA notes of another tenant.", tenant: "acme"),
        };
        await foreach (var result in fixture.Ingestor.IngestManyAsync(requests))
        {
            Assert.Equal(IngestOutcome.Ingested, result.Outcome);
        }

        return fixture;
    }

    [Fact]
    public async Task Hybrid_search_finds_the_answering_chunk_with_its_citation()
    {
        await using var fixture = await CorpusAsync();

        var results = await fixture.Retriever.SearchAsync(new SearchRequest { Query = "how many parameters does LoRA train", Top = 3 });

        Assert.Equal("lora.md", results[0].Citation.DocumentName);
        Assert.Equal("LoRA", results[0].Citation.Section);
        Assert.Contains("65,536", results[0].Chunk.Text, StringComparison.Ordinal);
        Assert.True(results[0].Score >= results[^1].Score);
    }

    [Theory]
    [InlineData(SearchMode.Dense)]
    [InlineData(SearchMode.Keyword)]
    [InlineData(SearchMode.Hybrid)]
    public async Task Every_mode_ranks_the_relevant_document_first(SearchMode mode)
    {
        await using var fixture = await CorpusAsync();

        var results = await fixture.Retriever.SearchAsync(new SearchRequest { Query = "keys and values cache for decoding", Mode = mode, Top = 2 });

        Assert.Equal("kv-cache.md", results[0].Citation.DocumentName);
    }

    [Fact]
    public async Task A_supplied_query_vector_is_searched_instead_of_embedding_the_query()
    {
        await using var fixture = await CorpusAsync();
        var vector = (await TestModels.Embeddings.GenerateAsync(["keys and values kept for earlier tokens"], RagStack.Embeddings.EmbeddingPurpose.ForQueries()))[0].Vector;

        var results = await fixture.Retriever.SearchAsync(new SearchRequest { Query = "LoRA low-rank matrices", Mode = SearchMode.Dense, Top = 1, QueryVector = vector });

        Assert.Equal("kv-cache.md", results[0].Citation.DocumentName);
    }

    [Fact]
    public async Task Index_and_tenant_filters_apply_inside_the_store()
    {
        await using var fixture = await CorpusAsync();

        var local = await fixture.Retriever.SearchAsync(new SearchRequest { Query = "LoRA", Top = 10 });
        var acme = await fixture.Retriever.SearchAsync(new SearchRequest { Query = "LoRA", Tenant = "acme", Top = 10 });
        var other = await fixture.Retriever.SearchAsync(new SearchRequest { Query = "LoRA", Index = "other", Top = 10 });

        Assert.DoesNotContain(local, r => r.Citation.DocumentName is "other-index.md" or "other-tenant.md");
        Assert.Equal(["other-tenant.md"], acme.Select(r => r.Citation.DocumentName).Distinct());
        Assert.Equal(["other-index.md"], other.Select(r => r.Citation.DocumentName).Distinct());
    }

    [Fact]
    public async Task Tag_and_document_filters_return_only_matching_chunks_even_when_they_rank_low()
    {
        await using var fixture = await CorpusAsync();
        var diffusion = (await fixture.Catalog.ListAsync("local", "default")).Single(d => d.Name == "diffusion.md");

        var tagged = await fixture.Retriever.SearchAsync(new SearchRequest { Query = "LoRA parameters", Tags = ["imaging"], Top = 5 });
        var byDocument = await fixture.Retriever.SearchAsync(new SearchRequest { Query = "LoRA parameters", DocumentIds = [diffusion.Id], Top = 5 });

        Assert.Equal(["diffusion.md"], tagged.Select(r => r.Citation.DocumentName).Distinct());
        Assert.Equal(["diffusion.md"], byDocument.Select(r => r.Citation.DocumentName).Distinct());
    }

    [Fact]
    public async Task An_empty_query_is_refused()
    {
        await using var fixture = await CorpusAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => fixture.Retriever.SearchAsync(new SearchRequest { Query = "  " }));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(-1)]
    public async Task A_mode_that_is_no_defined_mode_is_refused_naming_the_modes(int mode)
    {
        await using var fixture = await CorpusAsync();

        var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => fixture.Retriever.SearchAsync(new SearchRequest { Query = "LoRA", Mode = (SearchMode)mode }));

        Assert.Contains("hybrid, dense, keyword", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("docs\ncrit: forged")]
    public async Task An_index_name_the_rule_refuses_is_refused_before_searching(string index)
    {
        await using var fixture = await CorpusAsync();

        var e = await Assert.ThrowsAsync<ArgumentException>(() => fixture.Retriever.SearchAsync(new SearchRequest { Query = "LoRA", Index = index }));

        Assert.Contains("an index name is", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task The_chosen_reranker_orders_the_fused_candidates_and_the_top_is_cut_after_it()
    {
        await using var fixture = await CorpusAsync(rag =>
        {
            rag.Services.AddSingleton<IReranker>(new FakeReranker(RerankMethod.Sentences, c => c.DocumentName == "diffusion.md" ? 9 : 1));
            rag.Services.Configure<RetrievalOptions>(o => o.Rerank = RerankMethod.Sentences);
        });

        var results = await fixture.Retriever.SearchAsync(new SearchRequest { Query = "how many parameters does LoRA train", Top = 2 });

        Assert.Equal(2, results.Count);
        Assert.Equal(("diffusion.md", 9.0), (results[0].Citation.DocumentName, results[0].Score));
        Assert.Equal(1.0, results[1].Score);
    }

    [Fact]
    public async Task Candidates_beyond_the_reranked_ones_keep_their_fused_order_below_them()
    {
        var fake = new FakeReranker(RerankMethod.Sentences, c => c.DocumentName == "lora.md" ? 0 : 5);
        await using var fixture = await CorpusAsync(rag =>
        {
            rag.Services.AddSingleton<IReranker>(fake);
            rag.Services.Configure<RetrievalOptions>(o => (o.Rerank, o.RerankCandidates) = (RerankMethod.Sentences, 1));
        });

        var results = await fixture.Retriever.SearchAsync(new SearchRequest { Query = "how many parameters does LoRA train", Top = 3 });

        // Only the fused best (lora.md) is scored; the unscored ones follow it at its score.
        Assert.Equal(1, fake.Scored);
        Assert.Equal("lora.md", results[0].Citation.DocumentName);
        Assert.Equal(3, results.Count);
        Assert.All(results, r => Assert.Equal(0.0, r.Score));
    }

    [Fact]
    public async Task A_reranker_that_is_not_composed_is_refused_naming_the_setting()
    {
        await using var fixture = await CorpusAsync(rag => rag.Services.Configure<RetrievalOptions>(o => o.Rerank = RerankMethod.CrossEncoder));

        var error = Assert.Throws<InvalidOperationException>(() => fixture.Retriever);

        Assert.StartsWith("RagStack:Retrieval:Rerank is CrossEncoder, but no reranker of that kind is composed (add it with AddOnnxReranker", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_built_in_reranker_scores_a_passage_by_its_best_sentence_with_the_real_model()
    {
        var reranker = new SentenceReranker(TestModels.Embeddings);
        var query = "Where do the ferries leave from?";
        var vector = (await TestModels.Embeddings.GenerateAsync([query], RagStack.Embeddings.EmbeddingPurpose.ForQueries()))[0].Vector;
        RagStack.Chunks.ChunkRecord Chunk(string text) => new() { Id = text, DocumentId = "d", Index = "i", Tenant = "t", DocumentName = "d.md", Text = text };

        var scores = await reranker.ScoreAsync(new RerankRequest(query, vector, [
            Chunk("The town has a lighthouse and a fish market. Ferries depart from pier four every hour. The café opens at nine."),
            Chunk("Trains to the capital run twice a day from the station on the hill."),
        ]));

        Assert.Equal(2, scores.Count);
        Assert.True(scores[0] > scores[1], $"{scores[0]} should beat {scores[1]}");
    }
}
