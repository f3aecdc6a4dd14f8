using LLama.Native;
using RagStack.Models.Gguf;

namespace RagStack.LlamaSharp.Quantization;

/// <summary>Quantizes a GGUF model with llama.cpp's own quantizer, writing the result only when it succeeds.</summary>
public static class GgufQuantizer
{
    private const int MinimumBlock = 32;

    /// <summary>Quantizes <paramref name="inputPath"/> to <paramref name="type"/> at <paramref name="outputPath"/>; the output appears (or is replaced) only on success.</summary>
    /// <param name="inputPath">An F32, F16 or BF16 GGUF model (llama.cpp refuses to requantize quantized models).</param>
    /// <param name="outputPath">Where the quantized model goes; its folder must exist.</param>
    /// <param name="type">The quantization.</param>
    /// <param name="threads">Threads to use; 0 uses every core.</param>
    /// <exception cref="FileNotFoundException">The input does not exist.</exception>
    /// <exception cref="GgufFormatException">The input is not a usable GGUF file.</exception>
    /// <exception cref="GgufQuantizationException">The output cannot be written, or llama.cpp failed.</exception>
    public static void Quantize(string inputPath, string outputPath, GgufQuantizationType type, int threads = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(inputPath);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        var ftype = FileType(type);
        var input = Path.GetFullPath(inputPath);
        var output = Path.GetFullPath(outputPath);
        if (!File.Exists(input))
        {
            throw new FileNotFoundException($"{inputPath}: no such file", inputPath);
        }

        if (string.Equals(input, output, StringComparison.Ordinal))
        {
            throw new GgufQuantizationException(outputPath, "the output must be a different file from the input");
        }

        // llama.cpp would only say "failed" in its log; reading the header first names the actual problem.
        var model = GgufFile.Read(inputPath);
        var quantized = model.Tensors.FirstOrDefault(t => GgufFloats.ElementBytes(t.Type) == 0 && t.Type is not (GgufTensorType.I8 or GgufTensorType.I16 or GgufTensorType.I32 or GgufTensorType.I64 or GgufTensorType.F64));
        if (quantized is not null)
        {
            throw new GgufQuantizationException(inputPath, $"is already quantized (tensor '{quantized.Name}' is {quantized.Type}); quantize from the F32, F16 or BF16 model instead");
        }

        // llama.cpp quantizes 2-D weight tensors in blocks of 32 weights; for the k-quant mixes it falls back to another
        // type (down to F16) for rows that do not divide, but the plain block types have no fallback and fail deep inside
        // llama.cpp with nothing but a return code.
        if (type is GgufQuantizationType.Q8_0 or GgufQuantizationType.Q5_1 or GgufQuantizationType.Q5_0 or GgufQuantizationType.Q4_1 or GgufQuantizationType.Q4_0
            && model.Tensors.FirstOrDefault(t => t.Shape.Count >= 2 && t.Name.EndsWith("weight", StringComparison.Ordinal) && t.Shape[0] % MinimumBlock != 0) is { } odd)
        {
            throw new GgufQuantizationException(inputPath, $"tensor '{odd.Name}' has rows of {odd.Shape[0]} weights; {type} needs rows in multiples of {MinimumBlock}");
        }

        // llama.cpp writes its output as it goes; writing beside the target and moving on success means a failure or a
        // crash never leaves a truncated model under the name a user will load.
        var temporary = $"{output}.{Guid.NewGuid():N}.tmp";
        try
        {
            try
            {
                using (File.Open(temporary, FileMode.CreateNew, FileAccess.Write))
                {
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new GgufQuantizationException(outputPath, $"cannot write the output there ({e.Message})", e);
            }

            LlamaNative.EnsureLoaded();
            var parameters = LLamaModelQuantizeParams.Default();
            parameters.ftype = ftype;
            parameters.nthread = threads;
            var result = NativeApi.llama_model_quantize(input, temporary, ref parameters);
            if (result != 0)
            {
                throw new GgufQuantizationException(inputPath, $"llama.cpp could not quantize it to {type} (return code {result}); run with RAGSTACK_LLAMA_LOG=1 to see llama.cpp's reason");
            }

            _ = GgufFile.Read(temporary); // a file llama.cpp itself would refuse must not replace a good one
            File.Move(temporary, output, overwrite: true);
        }
        finally
        {
            // File.Delete throws when the folder is missing, which would hide the error that brought us here.
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>llama.cpp's file type for a quantization.</summary>
    internal static LLamaFtype FileType(GgufQuantizationType type) => type switch
    {
        GgufQuantizationType.F16 => LLamaFtype.MOSTLY_F16,
        GgufQuantizationType.BF16 => LLamaFtype.MOSTLY_BF16,
        GgufQuantizationType.Q8_0 => LLamaFtype.MOSTLY_Q8_0,
        GgufQuantizationType.Q6_K => LLamaFtype.MOSTLY_Q6_K,
        GgufQuantizationType.Q5_K_M => LLamaFtype.MOSTLY_Q5_K_M,
        GgufQuantizationType.Q5_K_S => LLamaFtype.MOSTLY_Q5_K_S,
        GgufQuantizationType.Q5_1 => LLamaFtype.MOSTLY_Q5_1,
        GgufQuantizationType.Q5_0 => LLamaFtype.MOSTLY_Q5_0,
        GgufQuantizationType.Q4_K_M => LLamaFtype.MOSTLY_Q4_K_M,
        GgufQuantizationType.Q4_K_S => LLamaFtype.MOSTLY_Q4_K_S,
        GgufQuantizationType.Q4_1 => LLamaFtype.MOSTLY_Q4_1,
        GgufQuantizationType.Q4_0 => LLamaFtype.MOSTLY_Q4_0,
        GgufQuantizationType.Q3_K_L => LLamaFtype.MOSTLY_Q3_K_L,
        GgufQuantizationType.Q3_K_M => LLamaFtype.MOSTLY_Q3_K_M,
        GgufQuantizationType.Q3_K_S => LLamaFtype.MOSTLY_Q3_K_S,
        GgufQuantizationType.Q2_K => LLamaFtype.MOSTLY_Q2_K,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a quantization type."),
    };
}
