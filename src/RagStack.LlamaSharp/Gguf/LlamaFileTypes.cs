using LLama.Native;

namespace RagStack.LlamaSharp.Gguf;

/// <summary>llama.cpp's <c>general.file_type</c> numbers (LLAMA_FTYPE) and the short names its tools print ("F32", "Q4_K_M").</summary>
internal static class LlamaFileTypes
{
    /// <summary>The file type a model whose weight matrices are all <paramref name="weightType"/> declares.</summary>
    public static LLamaFtype For(GgufTensorType weightType) => weightType switch
    {
        GgufTensorType.F32 => LLamaFtype.ALL_F32,
        GgufTensorType.F16 => LLamaFtype.MOSTLY_F16,
        GgufTensorType.BF16 => LLamaFtype.MOSTLY_BF16,
        _ => throw new ArgumentOutOfRangeException(nameof(weightType), weightType, "Only F32, F16 and BF16 models are written directly."),
    };

    /// <summary>The short name of a file type number, e.g. 15 → "Q4_K_M"; LLamaSharp's enum mirrors llama.h, so it is the one list of names.</summary>
    public static string Name(long fileType)
    {
        if (fileType is < 0 or > int.MaxValue || !Enum.IsDefined((LLamaFtype)(int)fileType))
        {
            return $"unknown ({fileType})";
        }

        var name = (LLamaFtype)(int)fileType switch
        {
            LLamaFtype.MOSTLY_IQ3_K_XS => "IQ3_XS", // LLamaSharp's spelling differs from llama.cpp's LLAMA_FTYPE_MOSTLY_IQ3_XS
            var known => known.ToString(),
        };
        foreach (var prefix in (ReadOnlySpan<string>)["LLAMA_FTYPE_MOSTLY_", "MOSTLY_", "ALL_"])
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                return name[prefix.Length..];
            }
        }

        return name;
    }
}
