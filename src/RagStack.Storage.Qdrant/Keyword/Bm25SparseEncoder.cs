using System.Text;
using Lucene.Net.Analysis;
using RagStack.Chunks;
using RagStack.Storage.Embedded.Keyword;

namespace RagStack.Storage.Qdrant.Keyword;

/// <summary>
/// BM25 as sparse vectors, so Qdrant ranks keyword search as the embedded Lucene index does. Text is analysed by the
/// embedded index's own <see cref="KeywordAnalysis"/>. A chunk's vector holds, for each term, BM25's term-frequency
/// part <c>tf·(k1+1) / (tf + k1·(1 − b + b·len/avglen))</c>; the collection's IDF modifier multiplies in
/// <c>ln(1 + (N − n + 0.5)/(n + 0.5))</c>, Lucene's idf, at query time; the query's vector holds the field weights. The
/// text and the title are two fields with their own term ids, lengths and document frequencies, as in Lucene, so the
/// dot product is <c>textWeight·BM25(text) + titleWeight·BM25(title)</c>.
/// </summary>
internal sealed class Bm25SparseEncoder(KeywordScoring scoring, double averageTextTerms, double averageTitleTerms) : IDisposable
{
    /// <summary>At most this many distinct query terms are searched for (the embedded index caps its clauses alike).</summary>
    public const int MaxQueryTerms = 1024;

    private const string TextField = "text";
    private const string TitleField = "title";

    private readonly Analyzer _analyzer = KeywordAnalysis.CreateAnalyzer();

    /// <summary>The sparse vector a chunk is stored with.</summary>
    public SparseTerms Document(ChunkRecord chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var weights = new Dictionary<uint, float>();
        if (scoring.TextWeight > 0)
        {
            AddField(weights, TextField, chunk.Text, averageTextTerms);
        }

        if (scoring.TitleWeight > 0)
        {
            AddField(weights, TitleField, KeywordAnalysis.Title(chunk), averageTitleTerms);
        }

        return SparseTerms.From(weights);
    }

    /// <summary>The sparse vector a query searches with: each distinct term once per weighted field, valued by the field's weight.</summary>
    public SparseTerms Query(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var weights = new Dictionary<uint, float>();
        var terms = new HashSet<string>(StringComparer.Ordinal);
        foreach (var term in KeywordAnalysis.Terms(_analyzer, query))
        {
            if (terms.Count == MaxQueryTerms)
            {
                break;
            }

            if (!terms.Add(term))
            {
                continue;
            }

            Accumulate(weights, TermId(TextField, term), scoring.TextWeight);
            Accumulate(weights, TermId(TitleField, term), scoring.TitleWeight);
        }

        return SparseTerms.From(weights);
    }

    /// <summary>BM25's term-frequency part for a term seen <paramref name="frequency"/> times in a field of <paramref name="length"/> terms.</summary>
    public float TermWeight(int frequency, int length, double averageLength)
    {
        double k1 = scoring.K1, b = scoring.B;
        return (float)(frequency * (k1 + 1) / (frequency + (k1 * (1 - b + (b * length / averageLength)))));
    }

    /// <summary>A term's sparse index in a field: FNV-1a (32 bits) of <c>field ␟ term</c>, stable across processes and versions.</summary>
    public static uint TermId(string field, string term)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes($"{field}\u001f{term}"))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash;
    }

    public void Dispose() => _analyzer.Dispose();

    private void AddField(Dictionary<uint, float> weights, string field, string text, double averageLength)
    {
        var frequencies = new Dictionary<string, int>(StringComparer.Ordinal);
        var length = 0;
        foreach (var term in KeywordAnalysis.Terms(_analyzer, text))
        {
            frequencies[term] = frequencies.GetValueOrDefault(term) + 1;
            length++;
        }

        foreach (var (term, frequency) in frequencies)
        {
            Accumulate(weights, TermId(field, term), TermWeight(frequency, length, averageLength));
        }
    }

    private static void Accumulate(Dictionary<uint, float> weights, uint id, float weight)
    {
        if (weight > 0)
        {
            weights[id] = weights.GetValueOrDefault(id) + weight;
        }
    }
}
