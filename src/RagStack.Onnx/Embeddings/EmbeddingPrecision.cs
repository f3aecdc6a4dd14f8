namespace RagStack.Onnx;

/// <summary>The arithmetic an embedding model runs in. Vectors of two precisions are close but not equal, so a data folder keeps one.</summary>
public enum EmbeddingPrecision
{
    /// <summary>
    /// The default: the weight products run in int8 (weights quantized per output column when the model loads, activations
    /// per call), about twice as fast on CPUs; the vectors keep a median cosine of about 0.998 to the fp32 ones.
    /// </summary>
    Int8,

    /// <summary>The model as published, in 32-bit floats: the reference the int8 variant is measured against.</summary>
    Fp32,
}
