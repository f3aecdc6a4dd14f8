namespace RagStack.Onnx;

/// <summary>The sentence-embedding models that ship inside the SentenceTransformers packages; both give 384-dimensional vectors.</summary>
public enum EmbeddingModelKind
{
    /// <summary>Snowflake arctic-embed-xs: CLS pooling, a 512-token window, an instruction prefix on queries.</summary>
    ArcticXs,

    /// <summary>sentence-transformers all-MiniLM-L6-v2: mean pooling, a 256-token window (its training length), no query prefix.</summary>
    MiniLM,

    /// <summary>
    /// Both models as one: each embeds, and the two unit vectors, each scaled by √½, are concatenated into one 768-d unit
    /// vector whose cosine is the mean of the two models' cosines. Slower to ingest (two models), better rankings when the
    /// models err differently. The window is the smaller one (MiniLM's).
    /// </summary>
    ArcticXsMiniLM,
}
