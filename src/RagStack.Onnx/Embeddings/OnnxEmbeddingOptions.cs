namespace RagStack.Onnx;

/// <summary>Settings of the local ONNX embedding model, bound from <c>RagStack:Embeddings</c>.</summary>
public sealed class OnnxEmbeddingOptions
{
    /// <summary>The configuration section these settings are bound from.</summary>
    public const string Section = RagStackSections.Embeddings;

    /// <summary>The instruction arctic-embed puts before search queries (never before documents).</summary>
    public const string ArcticQueryPrefix = "Represent this sentence for searching relevant passages: ";

    /// <summary>The largest batch accepted; the attention buffers of one batch grow with its size times the window squared.</summary>
    public const int MaxBatchSize = 256;

    /// <summary>
    /// Which model to run. With <see cref="UseDataFolder"/> the data folder decides: a new folder records the model set
    /// here (in configuration) and every later run of any host uses the model the folder recorded.
    /// </summary>
    public EmbeddingModelKind Model { get; set; } = EmbeddingModelKind.ArcticXs;

    /// <summary>
    /// The arithmetic the model runs in: int8 (the default) or fp32. Like <see cref="Model"/>, with <see cref="UseDataFolder"/>
    /// a new folder records it and an existing folder decides it.
    /// </summary>
    public EmbeddingPrecision Precision { get; set; } = EmbeddingPrecision.Int8;

    /// <summary>
    /// Whether the model belongs to the data folder (<c>RagStack:DataDirectory</c>): true for hosts that store vectors, so
    /// vectors of two models are never mixed in one folder; false for a host that only serves embeddings (the model host).
    /// </summary>
    public bool UseDataFolder { get; set; } = true;

    /// <summary>
    /// How many inputs of similar length one inference run embeds at once; unset, the precision's own: 8 for fp32, 1 for
    /// int8. On two cores, with ~100-word paragraphs, fp32 at 1 and 8 were within measurement noise of each other, and 16
    /// and 32 were slower (attention buffers grow with batch × length²). In int8 one text a run was 1.4–1.8× faster than 8
    /// on 150–300-token chunks, and each vector then depends on its text alone: int8 activations take one scale per
    /// product over the whole batch, so in a batch of 8 a short text moves by up to 0.03 in cosine with its companions.
    /// </summary>
    public int? BatchSize { get; set; }

    /// <summary>The batch size in effect: the configured one, or the precision's own.</summary>
    internal int EffectiveBatchSize => BatchSize ?? (Precision == EmbeddingPrecision.Int8 ? 1 : 8);

    /// <summary>Threads one inference run may use.</summary>
    public int IntraOpThreads { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// Text put before each search query; <see langword="null"/> takes the model's own (<see cref="ArcticQueryPrefix"/> for
    /// arctic-embed, none for MiniLM) and an empty string turns it off.
    /// </summary>
    public string? QueryPrefix { get; set; }

    /// <summary>The query prefix in effect: the configured one, or the model's own when none is configured.</summary>
    internal string EffectiveQueryPrefix => QueryPrefix ?? (Model == EmbeddingModelKind.ArcticXs ? ArcticQueryPrefix : string.Empty);
}
