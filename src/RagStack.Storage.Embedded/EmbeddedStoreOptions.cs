namespace RagStack.Storage.Embedded;

/// <summary>Settings of the embedded store, bound from <c>RagStack:Storage:Embedded</c>; one data folder holds everything.</summary>
public sealed class EmbeddedStoreOptions
{
    /// <summary>The configuration section these settings are bound from; the data folder itself is <c>RagStack:DataDirectory</c>.</summary>
    public const string Section = RagStackSections.EmbeddedStore;

    /// <summary>The data folder: <c>ragstack.db</c>, <c>blobs/</c>, <c>keyword/</c> and <c>vectors/</c> live under it. Required; <c>AddEmbeddedStore</c> sets it from <c>RagStack:DataDirectory</c>.</summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>
    /// A vector search whose filtered candidate set has at most this many chunks is answered by exact (brute-force SIMD)
    /// search instead of HNSW: exact results, no oversampling. 20,000 384-d vectors are 30 MB to scan, a few
    /// milliseconds on one core (<c>ragstack bench search</c> prints exact search's latency over the whole index).
    /// </summary>
    public int ExactSearchThreshold { get; set; } = 20_000;

    /// <summary>
    /// A filter that leaves less than this fraction of an index's vectors is answered by exact search over the
    /// filtered candidates, because HNSW would have to oversample too far to find enough of them.
    /// </summary>
    public double ExactSearchMaxFraction { get; set; } = 0.05;

    /// <summary>BM25 weight of a chunk's text in keyword search.</summary>
    public float KeywordTextWeight { get; set; } = 1.0f;

    /// <summary>BM25 weight of a chunk's section path and document name in keyword search (lower than the text by default).</summary>
    public float KeywordTitleWeight { get; set; } = 0.2f;

    /// <summary>BM25 term-frequency saturation k1. Lucene's default is 1.2; 0.9 (with b = 0.4, as Anserini uses) scored better on SciFact's training claims.</summary>
    public float Bm25K1 { get; set; } = 0.9f;

    /// <summary>BM25 length normalisation b, from 0 (none) to 1 (full). Lucene's default is 0.75.</summary>
    public float Bm25B { get; set; } = 0.4f;

    /// <summary>HNSW graph connectivity (neighbours per node).</summary>
    public int HnswConnectivity { get; set; } = 16;

    /// <summary>HNSW candidate list size while inserting; higher builds a better graph, slower.</summary>
    public int HnswExpansionAdd { get; set; } = 128;

    /// <summary>HNSW candidate list size while searching; higher raises recall, slower.</summary>
    public int HnswExpansionSearch { get; set; } = 128;

    /// <summary>
    /// How often changed derived indexes (Lucene, USearch) are persisted in the background. They are always persisted on
    /// dispose; after a crash they are rebuilt from SQLite, so this only bounds how much a restart must redo.
    /// <see cref="TimeSpan.Zero"/> persists only on dispose.
    /// </summary>
    public TimeSpan PersistInterval { get; set; } = TimeSpan.FromMinutes(1);
}
