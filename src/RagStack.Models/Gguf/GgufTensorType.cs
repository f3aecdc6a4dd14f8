namespace RagStack.Models.Gguf;

/// <summary>ggml's tensor element types, with the numbers GGUF files store (gaps are types ggml has removed).</summary>
#pragma warning disable CA1707 // The names are ggml's own, so that they match what llama.cpp and its tools print.
public enum GgufTensorType : uint
{
    F32 = 0,
    F16 = 1,
    Q4_0 = 2,
    Q4_1 = 3,
    Q5_0 = 6,
    Q5_1 = 7,
    Q8_0 = 8,
    Q8_1 = 9,
    Q2_K = 10,
    Q3_K = 11,
    Q4_K = 12,
    Q5_K = 13,
    Q6_K = 14,
    Q8_K = 15,
    IQ2_XXS = 16,
    IQ2_XS = 17,
    IQ3_XXS = 18,
    IQ1_S = 19,
    IQ4_NL = 20,
    IQ3_S = 21,
    IQ2_S = 22,
    IQ4_XS = 23,
    I8 = 24,
    I16 = 25,
    I32 = 26,
    I64 = 27,
    F64 = 28,
    IQ1_M = 29,
    BF16 = 30,
    TQ1_0 = 34,
    TQ2_0 = 35,
    MXFP4 = 39,
}
#pragma warning restore CA1707

/// <summary>Block layout of each tensor type: how many elements one block holds and how many bytes it takes.</summary>
internal static class GgufTensorTypes
{
    /// <summary>Elements per block and bytes per block, as ggml's type traits define them; null for an unknown type.</summary>
    public static (int BlockSize, int BlockBytes)? Layout(GgufTensorType type) => type switch
    {
        GgufTensorType.F32 => (1, 4),
        GgufTensorType.F16 => (1, 2),
        GgufTensorType.BF16 => (1, 2),
        GgufTensorType.F64 => (1, 8),
        GgufTensorType.I8 => (1, 1),
        GgufTensorType.I16 => (1, 2),
        GgufTensorType.I32 => (1, 4),
        GgufTensorType.I64 => (1, 8),
        GgufTensorType.Q4_0 => (32, 18),
        GgufTensorType.Q4_1 => (32, 20),
        GgufTensorType.Q5_0 => (32, 22),
        GgufTensorType.Q5_1 => (32, 24),
        GgufTensorType.Q8_0 => (32, 34),
        GgufTensorType.Q8_1 => (32, 36),
        GgufTensorType.IQ4_NL => (32, 18),
        GgufTensorType.MXFP4 => (32, 17),
        GgufTensorType.Q2_K => (256, 84),
        GgufTensorType.Q3_K => (256, 110),
        GgufTensorType.Q4_K => (256, 144),
        GgufTensorType.Q5_K => (256, 176),
        GgufTensorType.Q6_K => (256, 210),
        GgufTensorType.Q8_K => (256, 292),
        GgufTensorType.IQ2_XXS => (256, 66),
        GgufTensorType.IQ2_XS => (256, 74),
        GgufTensorType.IQ3_XXS => (256, 98),
        GgufTensorType.IQ1_S => (256, 50),
        GgufTensorType.IQ3_S => (256, 110),
        GgufTensorType.IQ2_S => (256, 82),
        GgufTensorType.IQ4_XS => (256, 136),
        GgufTensorType.IQ1_M => (256, 56),
        GgufTensorType.TQ1_0 => (256, 54),
        GgufTensorType.TQ2_0 => (256, 66),
        _ => null,
    };

    /// <summary>Bytes a tensor of this type and shape takes, or null when its rows do not split into whole blocks.</summary>
    public static long? ByteSize(GgufTensorType type, IReadOnlyList<long> shape)
    {
        if (Layout(type) is not var (blockSize, blockBytes))
        {
            return null;
        }

        var rowLength = shape.Count == 0 ? 1 : shape[0];
        if (rowLength % blockSize != 0)
        {
            return null;
        }

        var rows = 1L;
        for (var i = 1; i < shape.Count; i++)
        {
            rows = checked(rows * shape[i]);
        }

        return checked(rowLength / blockSize * blockBytes * rows);
    }
}
