using System.Collections.Frozen;

namespace RagStack.Models.Gguf;

/// <summary>llama.cpp's <c>general.file_type</c> numbers (LLAMA_FTYPE in llama.h) and the short names its tools print ("F32", "Q4_K_M").</summary>
/// <remarks>Written out here so reading a model's header needs no llama.cpp; a test checks the table against LLamaSharp's mirror of llama.h.</remarks>
internal static class LlamaFileTypes
{
    public const uint AllF32 = 0;
    public const uint MostlyF16 = 1;
    public const uint MostlyBF16 = 32;

    /// <summary>Every file type llama.h defines (numbers it retired are absent), by number.</summary>
    public static FrozenDictionary<long, string> Names { get; } = new Dictionary<long, string>
    {
        [AllF32] = "F32",
        [MostlyF16] = "F16",
        [2] = "Q4_0",
        [3] = "Q4_1",
        [7] = "Q8_0",
        [8] = "Q5_0",
        [9] = "Q5_1",
        [10] = "Q2_K",
        [11] = "Q3_K_S",
        [12] = "Q3_K_M",
        [13] = "Q3_K_L",
        [14] = "Q4_K_S",
        [15] = "Q4_K_M",
        [16] = "Q5_K_S",
        [17] = "Q5_K_M",
        [18] = "Q6_K",
        [19] = "IQ2_XXS",
        [20] = "IQ2_XS",
        [21] = "Q2_K_S",
        [22] = "IQ3_XS",
        [23] = "IQ3_XXS",
        [24] = "IQ1_S",
        [25] = "IQ4_NL",
        [26] = "IQ3_S",
        [27] = "IQ3_M",
        [28] = "IQ2_S",
        [29] = "IQ2_M",
        [30] = "IQ4_XS",
        [31] = "IQ1_M",
        [MostlyBF16] = "BF16",
        [36] = "TQ1_0",
        [37] = "TQ2_0",
        [38] = "MXFP4_MOE",
        [39] = "NVFP4",
        [40] = "Q1_0",
        [41] = "Q2_0",
        [1024] = "GUESSED",
    }.ToFrozenDictionary();

    /// <summary>The file type a model whose weight matrices are all <paramref name="weightType"/> declares.</summary>
    public static uint For(GgufTensorType weightType) => weightType switch
    {
        GgufTensorType.F32 => AllF32,
        GgufTensorType.F16 => MostlyF16,
        GgufTensorType.BF16 => MostlyBF16,
        _ => throw new ArgumentOutOfRangeException(nameof(weightType), weightType, "Only F32, F16 and BF16 models are written directly."),
    };

    /// <summary>The short name of a file type number, e.g. 15 → "Q4_K_M".</summary>
    public static string Name(long fileType) => Names.TryGetValue(fileType, out var name) ? name : $"unknown ({fileType})";
}
