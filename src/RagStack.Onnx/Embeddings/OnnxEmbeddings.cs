namespace RagStack.Onnx;

/// <summary>Loads the local ONNX embedding models that ship inside the SentenceTransformers packages.</summary>
public static class OnnxEmbeddings
{
    /// <summary>Loads the model <paramref name="options"/> names (arctic-embed-xs by default); takes about a second.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public static OnnxEmbeddingModel Load(OnnxEmbeddingOptions? options = null) =>
        new(new OnnxEmbeddingGenerator(options ?? new OnnxEmbeddingOptions()));
}
