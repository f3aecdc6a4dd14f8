namespace RagStack.Onnx;

/// <summary>Loads the local ONNX embedding models that ship inside the SentenceTransformers packages.</summary>
public static class OnnxEmbeddings
{
    /// <summary>
    /// Loads the model <paramref name="options"/> names (arctic-embed-xs in int8 by default); takes about a second, the int8
    /// rewrite of the published fp32 graph included.
    /// </summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is out of range.</exception>
    public static OnnxEmbeddingModel Load(OnnxEmbeddingOptions? options = null)
    {
        options ??= new OnnxEmbeddingOptions();
        new OnnxEmbeddingOptionsValidator().ThrowIfInvalid(options);
        if (options.Model != EmbeddingModelKind.ArcticXsMiniLM)
        {
            return new OnnxEmbeddingModel(new OnnxEmbeddingGenerator(options));
        }

        var ensemble = new EnsembleEmbeddingGenerator([
            new OnnxEmbeddingGenerator(Member(options, EmbeddingModelKind.ArcticXs)),
            new OnnxEmbeddingGenerator(Member(options, EmbeddingModelKind.MiniLM)),
        ]);
        return new OnnxEmbeddingModel(ensemble, ensemble, ensemble);
    }

    private static OnnxEmbeddingOptions Member(OnnxEmbeddingOptions options, EmbeddingModelKind model) => new()
    {
        Model = model,
        Precision = options.Precision,
        BatchSize = options.BatchSize,
        IntraOpThreads = options.IntraOpThreads,
    };
}
