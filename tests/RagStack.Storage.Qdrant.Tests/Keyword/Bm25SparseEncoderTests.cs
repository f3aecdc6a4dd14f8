using RagStack.Chunks;
using RagStack.Storage.Embedded;
using RagStack.Storage.Embedded.Keyword;
using RagStack.Storage.Qdrant.Keyword;
using static RagStack.Testing.TestChunks;

namespace RagStack.Storage.Qdrant.Tests.Keyword;

public sealed class Bm25SparseEncoderTests
{
    private static readonly KeywordScoring Scoring = new(TextWeight: 1.0f, TitleWeight: 0.2f, K1: 0.9f, B: 0.4f);

    [Fact]
    public void A_terms_weight_is_bm25s_saturated_and_length_normalised_term_frequency()
    {
        using var encoder = new Bm25SparseEncoder(Scoring, 5, 5);

        // tf·(k1+1) / (tf + k1·(1 − b + b·len/avg)) with tf 2, len 10, avg 5: 3.8 / (2 + 0.9·1.4) = 1.16564…
        Assert.Equal(1.165644, encoder.TermWeight(2, 10, 5), 5);
        Assert.Equal(1.0, encoder.TermWeight(1, 5, 5), 5);
    }

    [Fact]
    public void A_chunks_text_terms_are_analysed_as_the_embedded_index_does_and_weighted_by_frequency()
    {
        using var encoder = new Bm25SparseEncoder(Scoring with { TitleWeight = 0 }, averageTextTerms: 4, averageTitleTerms: 4);
        var chunk = Chunk("t", "i", "doc", 0, "The runner kept running; runners run.");

        var terms = encoder.Document(chunk);

        // English analysis: stop words go, "running"/"run" stem to "run", "runner"/"runners" to "runner": 4 terms, 2 distinct.
        var weights = terms.Indices.Zip(terms.Values).ToDictionary(p => p.First, p => p.Second);
        Assert.Equal(3, weights.Count);
        Assert.Equal(encoder.TermWeight(2, 5, 4), weights[Bm25SparseEncoder.TermId("text", "run")], 5);
        Assert.Equal(encoder.TermWeight(2, 5, 4), weights[Bm25SparseEncoder.TermId("text", "runner")], 5);
        Assert.Equal(encoder.TermWeight(1, 5, 4), weights[Bm25SparseEncoder.TermId("text", "kept")], 5);
        Assert.Equal(terms.Indices.Order(), terms.Indices);
    }

    [Fact]
    public void The_title_is_a_field_of_its_own_with_its_own_term_ids()
    {
        using var encoder = new Bm25SparseEncoder(Scoring, 4, 4);
        var chunk = Chunk("t", "i", "doc", 0, "pelican") with { SectionPath = ["Pelican"], DocumentName = "birds.md" };

        var ids = encoder.Document(chunk).Indices;

        Assert.Contains(Bm25SparseEncoder.TermId("text", "pelican"), ids);
        Assert.Contains(Bm25SparseEncoder.TermId("title", "pelican"), ids);
        Assert.NotEqual(Bm25SparseEncoder.TermId("text", "pelican"), Bm25SparseEncoder.TermId("title", "pelican"));
    }

    [Fact]
    public void A_query_holds_each_distinct_term_once_per_field_valued_by_the_fields_weight()
    {
        using var encoder = new Bm25SparseEncoder(Scoring, 4, 4);

        var query = encoder.Query("Running runs, the RUN!");

        var weights = query.Indices.Zip(query.Values).ToDictionary(p => p.First, p => p.Second);
        Assert.Equal(2, weights.Count);
        Assert.Equal(1.0f, weights[Bm25SparseEncoder.TermId("text", "run")]);
        Assert.Equal(0.2f, weights[Bm25SparseEncoder.TermId("title", "run")]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("the and of")]
    [InlineData("AND OR ( ) * ? : \\ ")]
    public void A_query_without_searchable_terms_is_empty(string text)
    {
        using var encoder = new Bm25SparseEncoder(Scoring, 4, 4);

        Assert.True(encoder.Query(text).IsEmpty);
    }

    [Fact]
    public void A_huge_query_is_capped_at_the_same_number_of_terms_as_the_embedded_index()
    {
        using var encoder = new Bm25SparseEncoder(Scoring, 4, 4);

        var query = encoder.Query(string.Join(' ', Enumerable.Range(0, 5000).Select(i => "word" + i)));

        Assert.Equal(2 * Bm25SparseEncoder.MaxQueryTerms, query.Indices.Length);
    }

    [Fact]
    public void Term_ids_are_fnv1a_of_field_and_term()
    {
        // FNV-1a 32 of "text\u001fa", computed by hand from its definition (offset 2166136261, prime 16777619).
        var hash = 2166136261u;
        foreach (var b in "text\u001fa"u8)
        {
            hash = (hash ^ b) * 16777619u;
        }

        Assert.Equal(hash, Bm25SparseEncoder.TermId("text", "a"));
    }

    /// <summary>
    /// The same chunks in the embedded Lucene index and as sparse vectors scored the way Qdrant scores them (the query's
    /// values times the chunk's, times the IDF modifier's ln(1 + (N − n + 0.5)/(n + 0.5)) per term id): the same best chunk,
    /// the same matches, and each score within Lucene's length rounding of the other.
    /// </summary>
    [Fact]
    public async Task Sparse_vectors_scored_with_qdrants_idf_score_as_the_embedded_bm25_index_does()
    {
        string[] texts =
        [
            "Photosynthesis converts light energy into chemical energy in plants.",
            "Plants need water and light to grow; light drives photosynthesis.",
            "The central bank raised interest rates and markets fell.",
            "Interest on savings accounts rose after the bank decision.",
            "A cat sleeps on the warm mat in the light of the afternoon sun.",
            "Solar panels convert light into electricity without any plants.",
            "Chemical energy is stored in batteries and in food.",
            "Rates of photosynthesis depend on light intensity and carbon dioxide.",
        ];
        var chunks = texts.Select((t, i) => Chunk("t", "i", "doc", i, t) with { SectionPath = [], DocumentName = $"note-{i}.txt" }).ToList();
        using var folder = new TemporaryFolder("ragstack-bm25-parity-");
        await using var embedded = await EmbeddedStore.OpenAsync(new EmbeddedStoreOptions
        {
            DataDirectory = folder.FullName,
            Bm25K1 = Scoring.K1,
            Bm25B = Scoring.B,
            KeywordTextWeight = Scoring.TextWeight,
            KeywordTitleWeight = Scoring.TitleWeight,
        });
        await embedded.Chunks.ReplaceDocumentChunksAsync("t", "i", "doc", chunks);
        using var analyzer = KeywordAnalysis.CreateAnalyzer();
        using var encoder = new Bm25SparseEncoder(Scoring,
            chunks.Average(c => KeywordAnalysis.Terms(analyzer, c.Text).Count()),
            chunks.Average(c => KeywordAnalysis.Terms(analyzer, KeywordAnalysis.Title(c)).Count()));
        var documents = chunks.Select(c => (c.Id, Terms: encoder.Document(c))).ToList();

        foreach (var query in new[] { "light energy in plants", "bank interest rates", "photosynthesis rates", "chemical energy", "cat" })
        {
            var lucene = await embedded.Chunks.KeywordSearchAsync(query, new ChunkFilter { Tenant = "t", Index = "i" }, 5);
            var sparse = QdrantScores(encoder.Query(query), documents).ToList();

            // Lucene keeps each field's length in one byte, so its scores are ours up to that rounding: close, not equal.
            Assert.Equal(lucene[0].Chunk.Id, sparse[0].Id);
            Assert.Equal(lucene.Count, Math.Min(5, sparse.Count));
            foreach (var hit in lucene)
            {
                var ours = sparse.Single(s => s.Id == hit.Chunk.Id).Score;
                Assert.True(Math.Abs(ours - hit.Score) <= 0.12 * hit.Score, $"'{query}', {hit.Chunk.Id}: Lucene scores {hit.Score:0.000}, the sparse vectors {ours:0.000}");
            }
        }
    }

    private static IEnumerable<(string Id, double Score)> QdrantScores(SparseTerms query, List<(string Id, SparseTerms Terms)> documents)
    {
        var n = documents.Count;
        var frequency = documents.SelectMany(d => d.Terms.Indices).GroupBy(i => i).ToDictionary(g => g.Key, g => g.Count());
        return documents
            .Select(d =>
            {
                var values = d.Terms.Indices.Zip(d.Terms.Values).ToDictionary(p => p.First, p => (double)p.Second);
                var score = query.Indices.Zip(query.Values)
                    .Where(q => values.ContainsKey(q.First))
                    .Sum(q => q.Second * values[q.First] * Math.Log(1 + ((n - frequency[q.First] + 0.5) / (frequency[q.First] + 0.5))));
                return (d.Id, Score: score);
            })
            .Where(s => s.Score > 0)
            .OrderByDescending(s => s.Score);
    }
}
