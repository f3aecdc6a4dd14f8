using RagStack.Models.Gguf;

namespace RagStack.Models.Tests.Gguf;

public sealed class GgufModelInfoTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_synthetic_model_reports_the_shape_it_was_built_with()
    {
        var spec = new SyntheticLlamaSpec { EmbeddingLength = 64, Layers = 3, Heads = 8, KvHeads = 2, FeedForwardLength = 96, ContextLength = 1024, ChatTemplate = "{{ messages }}", Name = "info-test" };
        var path = _folder.Path("info.gguf");
        SyntheticLlama.Write(path, spec);
        var vocabulary = GgufFile.Read(path).Metadata["tokenizer.ggml.tokens"].Count;

        var info = GgufModelInfo.Read(path);

        // Computed from the spec: embeddings and output [e x vocab], the output norm, and per layer q and o [e x e],
        // k and v [e x kv], gate/up/down [e x ff] and two norms.
        long e = spec.EmbeddingLength, kv = e / spec.Heads * spec.KvHeads, ff = spec.FeedForwardLength;
        var parameters = 2 * e * vocabulary + e + spec.Layers * (2 * e * e + 2 * e * kv + 3 * e * ff + 2 * e);
        Assert.Equal(parameters, info.ParameterCount);
        Assert.Equal(32.0, info.BitsPerWeight);
        Assert.Equal("llama", info.Architecture);
        Assert.Equal("info-test", info.Name);
        Assert.Equal("F32", info.FileType);
        Assert.Equal(new Dictionary<GgufTensorType, int> { [GgufTensorType.F32] = 3 + 9 * spec.Layers }, info.TensorTypeCounts);
        Assert.Equal(new FileInfo(path).Length, info.FileSize);
        Assert.Equal(1024, info.ContextLength);
        Assert.Equal(64, info.EmbeddingLength);
        Assert.Equal(3, info.Layers);
        Assert.Equal(8, info.Heads);
        Assert.Equal(2, info.KvHeads);
        Assert.Equal(vocabulary, info.VocabularySize);
        Assert.Equal("llama", info.TokenizerModel);
        Assert.Equal("{{ messages }}", info.ChatTemplate);
    }

    [Fact]
    public void An_F16_model_has_16_bits_per_matrix_weight_and_32_per_norm_weight()
    {
        var spec = new SyntheticLlamaSpec { WeightType = GgufTensorType.F16, Layers = 1 };
        var path = _folder.Path("f16.gguf");
        SyntheticLlama.Write(path, spec);

        var info = GgufModelInfo.Read(path);

        var norms = spec.EmbeddingLength * (1 + 2 * spec.Layers);
        Assert.Equal("F16", info.FileType);
        Assert.Equal((16.0 * (info.ParameterCount - norms) + 32.0 * norms) / info.ParameterCount, info.BitsPerWeight, precision: 9);
        Assert.Equal(1 + 2 * spec.Layers, info.TensorTypeCounts[GgufTensorType.F32]);
        Assert.Equal(2 + 7 * spec.Layers, info.TensorTypeCounts[GgufTensorType.F16]); // embeddings, output, seven matrices a layer
        Assert.Null(info.ChatTemplate);
    }

    [Fact]
    public void A_file_without_model_metadata_reports_unknowns_instead_of_failing()
    {
        var path = _folder.Path("bare.gguf");
        new GgufWriter().AddTensor("x", [4], GgufTensorType.F32, new float[4]).Write(path);

        var info = GgufModelInfo.Read(path);

        Assert.Equal("unknown", info.Architecture);
        Assert.Equal("unknown", info.FileType);
        Assert.Equal(4, info.ParameterCount);
        Assert.Null(info.Layers);
        Assert.Null(info.VocabularySize);
    }

    [Theory]
    [InlineData(0, "F32")]
    [InlineData(1, "F16")]
    [InlineData(2, "Q4_0")]
    [InlineData(7, "Q8_0")]
    [InlineData(15, "Q4_K_M")]
    [InlineData(17, "Q5_K_M")]
    [InlineData(18, "Q6_K")]
    [InlineData(22, "IQ3_XS")]
    [InlineData(32, "BF16")]
    [InlineData(4242, "unknown (4242)")]
    public void File_type_numbers_map_to_llama_cpp_names(uint fileType, string name)
    {
        var path = _folder.Path("ftype.gguf");
        new GgufWriter().SetMetadata("general.file_type", GgufValue.Of(fileType)).Write(path);

        Assert.Equal(name, GgufModelInfo.Read(path).FileType);
    }

    [SkippableFact]
    public void Stories260K_reports_the_figures_its_readme_publishes()
    {
        var path = SharedModels.Stories260K;
        Skip.If(path is null, SharedModels.Missing);

        var info = GgufModelInfo.Read(path);

        Assert.Equal(292_800, info.ParameterCount);
        Assert.Equal(5, info.Layers);
        Assert.Equal(64, info.EmbeddingLength);
        Assert.Equal(8, info.Heads);
        Assert.Equal(4, info.KvHeads);
        Assert.Equal(2048, info.ContextLength);
        Assert.Equal(512, info.VocabularySize);
        Assert.Equal("llama", info.TokenizerModel);
        Assert.Equal(32.0, info.BitsPerWeight);
        Assert.Equal("F32 (guessed)", info.FileType); // llama2.c's converter writes no general.file_type
    }
}
