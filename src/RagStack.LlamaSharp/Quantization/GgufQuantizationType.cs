namespace RagStack.LlamaSharp.Quantization;

/// <summary>The quantizations <see cref="GgufQuantizer"/> can produce, named as llama.cpp's <c>llama-quantize</c> names them, largest first.</summary>
#pragma warning disable CA1707 // The names are llama.cpp's own, as users type them on the command line.
public enum GgufQuantizationType
{
    /// <summary>16-bit floats.</summary>
    F16,

    /// <summary>bfloat16.</summary>
    BF16,

    /// <summary>8-bit blocks of 32: nearly lossless, 8.5 bits per weight.</summary>
    Q8_0,

    /// <summary>6-bit k-quant, about 6.6 bits per weight.</summary>
    Q6_K,

    /// <summary>5-bit k-quant mix, medium.</summary>
    Q5_K_M,

    /// <summary>5-bit k-quant mix, small.</summary>
    Q5_K_S,

    /// <summary>5-bit blocks of 32 with a minimum.</summary>
    Q5_1,

    /// <summary>5-bit blocks of 32.</summary>
    Q5_0,

    /// <summary>4-bit k-quant mix, medium: the usual choice for local chat models.</summary>
    Q4_K_M,

    /// <summary>4-bit k-quant mix, small.</summary>
    Q4_K_S,

    /// <summary>4-bit blocks of 32 with a minimum.</summary>
    Q4_1,

    /// <summary>4-bit blocks of 32.</summary>
    Q4_0,

    /// <summary>3-bit k-quant mix, large.</summary>
    Q3_K_L,

    /// <summary>3-bit k-quant mix, medium.</summary>
    Q3_K_M,

    /// <summary>3-bit k-quant mix, small.</summary>
    Q3_K_S,

    /// <summary>2-bit k-quant mix: smallest, with a clear loss of quality.</summary>
    Q2_K,
}
#pragma warning restore CA1707
