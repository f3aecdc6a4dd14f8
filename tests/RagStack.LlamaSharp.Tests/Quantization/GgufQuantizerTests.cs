using RagStack.LlamaSharp.Quantization;
using RagStack.Models.Gguf;

namespace RagStack.LlamaSharp.Tests.Quantization;

public sealed class GgufQuantizerTests : IDisposable
{
    // K-quants pack rows of 256 weights, so every matrix dimension is a multiple of 256 for them to apply.
    private static readonly SyntheticLlamaSpec Spec = new() { EmbeddingLength = 256, Heads = 4, KvHeads = 4, FeedForwardLength = 512, Layers = 2 };

    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Q8_0_quantizes_every_matrix_to_8_bits_and_the_model_still_generates()
    {
        var input = _folder.Path("f32.gguf");
        var output = _folder.Path("q8.gguf");
        SyntheticLlama.Write(input, Spec);

        GgufQuantizer.Quantize(input, output, GgufQuantizationType.Q8_0, threads: 1);

        var file = GgufFile.Read(output);
        Assert.All(file.Tensors, t => Assert.Equal(t.Shape.Count == 1 ? GgufTensorType.F32 : GgufTensorType.Q8_0, t.Type));
        var info = GgufModelInfo.Read(output);
        Assert.Equal("Q8_0", info.FileType);
        Assert.Equal(GgufModelInfo.Read(input).ParameterCount, info.ParameterCount);
        Assert.InRange(info.BitsPerWeight, 8.5, 8.6); // 34 bytes per 32 weights, plus the few F32 norm weights
        Assert.InRange(info.FileSize, new FileInfo(input).Length / 4, new FileInfo(input).Length / 3);
        Assert.Equal(3, GreedyGeneration.Run(output, "Once upon a time", tokens: 3).Generated.Length);
        Assert.Equal(["f32.gguf", "q8.gguf"], _folder.Files().Order());
    }

    [Fact]
    public void Q8_0_tensors_read_back_as_floats_within_half_a_quantization_step_of_the_originals()
    {
        var input = _folder.Path("f32.gguf");
        var output = _folder.Path("q8.gguf");
        SyntheticLlama.Write(input, Spec);
        GgufQuantizer.Quantize(input, output, GgufQuantizationType.Q8_0, threads: 1);

        var original = GgufFile.Read(input).ReadTensorAsFloats("blk.0.attn_q.weight");
        var dequantized = GgufFile.Read(output).ReadTensorAsFloats("blk.0.attn_q.weight");

        Assert.Equal(original.Length, dequantized.Length);
        // Half a step from rounding, plus the F16 rounding of the block scale.
        for (var block = 0; block < original.Length / 32; block++)
        {
            var values = original.AsSpan(block * 32, 32);
            var step = Math.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(values)) / 127f;
            for (var i = 0; i < 32; i++)
            {
                Assert.InRange(dequantized[(block * 32) + i] - values[i], -((0.6f * step) + 1e-7f), (0.6f * step) + 1e-7f);
            }
        }

        Assert.NotEqual(original, dequantized); // it really was quantized
    }

    [Fact]
    public void Q4_K_M_mixes_4_and_6_bit_k_quants_and_the_model_still_generates()
    {
        var input = _folder.Path("f32.gguf");
        var output = _folder.Path("q4km.gguf");
        SyntheticLlama.Write(input, Spec);

        GgufQuantizer.Quantize(input, output, GgufQuantizationType.Q4_K_M, threads: 1);

        var file = GgufFile.Read(output);
        var matrixTypes = file.Tensors.Where(t => t.Shape.Count == 2).Select(t => t.Type).ToHashSet();
        Assert.Contains(GgufTensorType.Q4_K, matrixTypes);
        Assert.Subset(new HashSet<GgufTensorType> { GgufTensorType.Q4_K, GgufTensorType.Q5_K, GgufTensorType.Q6_K, GgufTensorType.Q8_0 }, matrixTypes);
        var info = GgufModelInfo.Read(output);
        Assert.Equal("Q4_K_M", info.FileType);
        Assert.InRange(info.BitsPerWeight, 4.5, 6.6);
        Assert.True(info.FileSize < GgufModelInfo.Read(input).FileSize / 4);
        Assert.Equal(3, GreedyGeneration.Run(output, "the world", tokens: 3).Generated.Length);
    }

    [Fact]
    public void A_missing_input_is_reported_by_name()
    {
        var missing = _folder.Path("absent.gguf");

        var error = Assert.Throws<FileNotFoundException>(() => GgufQuantizer.Quantize(missing, _folder.Path("out.gguf"), GgufQuantizationType.Q8_0));

        Assert.Equal($"{missing}: no such file", error.Message);
        Assert.Empty(_folder.Files());
    }

    [Fact]
    public void An_input_that_is_not_gguf_is_refused_before_llama_cpp_sees_it()
    {
        var input = _folder.Path("model.safetensors");
        File.WriteAllText(input, "{\"not\": \"gguf\"}");

        var error = Assert.Throws<GgufFormatException>(() => GgufQuantizer.Quantize(input, _folder.Path("out.gguf"), GgufQuantizationType.Q8_0));

        Assert.StartsWith("not a GGUF file", error.Reason, StringComparison.Ordinal);
        Assert.Equal(["model.safetensors"], _folder.Files());
    }

    [Fact]
    public void An_already_quantized_input_is_refused_with_the_tensor_that_shows_it()
    {
        var input = _folder.Path("f32.gguf");
        var q8 = _folder.Path("q8.gguf");
        SyntheticLlama.Write(input, Spec);
        GgufQuantizer.Quantize(input, q8, GgufQuantizationType.Q8_0, threads: 1);

        var error = Assert.Throws<GgufQuantizationException>(() => GgufQuantizer.Quantize(q8, _folder.Path("q4.gguf"), GgufQuantizationType.Q4_0));

        Assert.Matches(@": is already quantized \(tensor '[a-z_.0-9]+' is Q8_0\); quantize from the F32, F16 or BF16 model instead$", error.Message);
    }

    [Fact]
    public void An_output_folder_that_does_not_exist_is_reported_as_unwritable()
    {
        var input = _folder.Path("f32.gguf");
        SyntheticLlama.Write(input, new SyntheticLlamaSpec());
        var output = _folder.Path(Path.Combine("no-such-folder", "out.gguf"));

        var error = Assert.Throws<GgufQuantizationException>(() => GgufQuantizer.Quantize(input, output, GgufQuantizationType.Q8_0));

        Assert.Equal(output, error.FilePath);
        Assert.StartsWith("cannot write the output there", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_llama_cpp_failure_leaves_the_existing_output_untouched_and_no_temporary_file()
    {
        var input = _folder.Path("no-architecture.gguf");
        new GgufWriter().AddTensor("blk.0.attn_q.weight", [256, 4], GgufTensorType.F32, new float[1024]).Write(input);
        var output = _folder.Path("out.gguf");
        File.WriteAllText(output, "the previous model");

        var error = Assert.Throws<GgufQuantizationException>(() => GgufQuantizer.Quantize(input, output, GgufQuantizationType.Q8_0, threads: 1));

        Assert.Contains("llama.cpp could not quantize it to Q8_0 (return code", error.Message, StringComparison.Ordinal);
        Assert.Equal("the previous model", File.ReadAllText(output));
        Assert.Equal(["no-architecture.gguf", "out.gguf"], _folder.Files().Order());
    }

    [Fact]
    public void Rows_that_do_not_split_into_blocks_of_32_are_named_instead_of_failing_inside_llama_cpp()
    {
        var input = _folder.Path("odd.gguf");
        SyntheticLlama.Write(input, new SyntheticLlamaSpec { FeedForwardLength = 100 });

        var error = Assert.Throws<GgufQuantizationException>(() => GgufQuantizer.Quantize(input, _folder.Path("q8.gguf"), GgufQuantizationType.Q8_0));

        Assert.Equal("tensor 'blk.0.ffn_down.weight' has rows of 100 weights; Q8_0 needs rows in multiples of 32", error.Reason);
        Assert.Equal(["odd.gguf"], _folder.Files());
    }

    [Fact]
    public void A_k_quant_mix_quantizes_odd_rows_through_llama_cpp_fallback_types()
    {
        var input = _folder.Path("odd.gguf");
        var output = _folder.Path("q4km.gguf");
        SyntheticLlama.Write(input, new SyntheticLlamaSpec { FeedForwardLength = 100 });

        GgufQuantizer.Quantize(input, output, GgufQuantizationType.Q4_K_M);

        var tensors = GgufFile.Read(output).Tensors;
        Assert.Contains(tensors, t => t.Name == "blk.0.ffn_down.weight" && t.Type is GgufTensorType.F16 or GgufTensorType.F32);
        Assert.Contains(tensors, t => t.Type is GgufTensorType.Q5_0 or GgufTensorType.Q8_0 or GgufTensorType.Q4_K or GgufTensorType.Q6_K);
        Assert.Equal(4, GreedyGeneration.Run(output, "the world", tokens: 4).Generated.Length);
    }
}
