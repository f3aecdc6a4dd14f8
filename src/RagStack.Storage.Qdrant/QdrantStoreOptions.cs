namespace RagStack.Storage.Qdrant;

/// <summary>How dense vectors are kept in Qdrant's memory.</summary>
public enum QdrantQuantization
{
    /// <summary>Full 32-bit floats only: 4 bytes per dimension in RAM.</summary>
    None,

    /// <summary>
    /// Scalar int8 quantization (1 byte per dimension, kept in RAM) with the float originals on disk for rescoring:
    /// a quarter of the memory for a small loss of recall.
    /// </summary>
    Int8,
}

/// <summary>
/// Settings of the Qdrant store, bound from <c>RagStack:Qdrant</c> and used when <c>RagStack:VectorStore</c> is
/// <c>Qdrant</c>. Chunks, vectors and the BM25 keyword index live in Qdrant; documents, the ingestion queue and the
/// originals stay in the data folder, so every index can be rebuilt from them.
/// </summary>
public sealed class QdrantStoreOptions
{
    /// <summary>The configuration section these settings are bound from.</summary>
    public const string Section = RagStackSections.Qdrant;

    /// <summary>Qdrant's gRPC address, e.g. <c>http://localhost:6334</c>; <c>https://</c> uses TLS. Required.</summary>
    public string Endpoint { get; set; } = "";

    /// <summary>Qdrant's API key (its <c>service.api_key</c>), sent with every call; none when unset.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// The SHA-256 thumbprint of the server's certificate, for a TLS endpoint whose certificate no machine authority
    /// signed (a self-signed cluster certificate); the certificate is then trusted by this thumbprint alone.
    /// </summary>
    public string? CertificateThumbprint { get; set; }

    /// <summary>
    /// The collection that holds every tenant's and index's chunks of one embedding model. Default:
    /// <c>ragstack_&lt;model&gt;_&lt;dimensions&gt;</c> after the configured embedding model (e.g. <c>ragstack_arctic-xs_384</c>).
    /// </summary>
    public string? Collection { get; set; }

    /// <summary>The dense vectors' size when no embedding model says it (a store used without one); else the model's.</summary>
    public int? VectorSize { get; set; }

    /// <summary>Shards of a new collection: spread over the cluster's nodes; fixed once the collection exists.</summary>
    public int ShardNumber { get; set; } = 1;

    /// <summary>Copies of each shard in a new collection (1 = no replica).</summary>
    public int ReplicationFactor { get; set; } = 1;

    /// <summary>Replicas that must confirm a write before it is answered; at most <see cref="ReplicationFactor"/>.</summary>
    public int WriteConsistencyFactor { get; set; } = 1;

    /// <summary>Keeps payloads (chunk text and citations) on disk instead of in RAM: far less memory, a read per hit.</summary>
    public bool OnDiskPayload { get; set; } = true;

    /// <summary>Quantization of the dense vectors of a new collection.</summary>
    public QdrantQuantization Quantization { get; set; } = QdrantQuantization.None;

    /// <summary>HNSW neighbours per node (<c>m</c>) of a new collection.</summary>
    public int HnswM { get; set; } = 16;

    /// <summary>HNSW candidate list while building (<c>ef_construct</c>) of a new collection.</summary>
    public int HnswEfConstruct { get; set; } = 128;

    /// <summary>HNSW candidate list while searching (<c>hnsw_ef</c>); higher raises recall, slower.</summary>
    public int HnswEf { get; set; } = 128;

    /// <summary>Points per upsert request: a large document is written in batches of this size.</summary>
    public int UpsertBatchSize { get; set; } = 256;

    /// <summary>
    /// The mean length, in analysed terms, of a chunk's text, for BM25's length normalisation. Qdrant stores the term
    /// weights we compute, so this is fixed when a chunk is written (the embedded index measures it itself).
    /// </summary>
    public double AverageTextTerms { get; set; } = 120;

    /// <summary>The mean length, in analysed terms, of a chunk's title (section path and document name).</summary>
    public double AverageTitleTerms { get; set; } = 8;

    /// <summary>Deadline of one call to Qdrant.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of a call that failed transiently (unavailable, deadline exceeded, resource exhausted).</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>The wait before the first retry; it doubles for each further one, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait between two retries.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);
}
