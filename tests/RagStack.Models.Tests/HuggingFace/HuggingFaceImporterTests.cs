using System.Text.Json;
using System.Text.Json.Nodes;
using RagStack.LlamaSharp.Tests.Adapters;
using RagStack.Models.Gguf;
using RagStack.Models.HuggingFace;
using RagStack.Models.Safetensors;
using Xunit.Abstractions;

namespace RagStack.Models.Tests.HuggingFace;

public sealed class HuggingFaceImporterTests(ITestOutputHelper output) : IDisposable
{
    private static readonly SyntheticLlamaSpec Gqa = new() { EmbeddingLength = 32, Heads = 4, KvHeads = 2, FeedForwardLength = 48, Layers = 2, ContextLength = 384, Seed = 11 };

    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void The_transformers_tiny_llama_imported_gives_llama_cpp_the_logits_transformers_gave()
    {
        var vocabulary = WriteTinyVocabulary(_folder.Path("vocab.gguf"));
        var gguf = _folder.Path("tiny.gguf");

        var result = HuggingFaceImporter.Import(TransformersTiny("hf"), vocabulary, gguf);

        Assert.Equal((64, false, 3 + (9 * 2)), (result.VocabularySize, result.TiedWordEmbeddings, result.TensorCount));
        using var reference = JsonDocument.Parse(File.ReadAllBytes(TransformersTiny("logits.json")));
        int[] tokens = [.. reference.RootElement.GetProperty("token_ids").EnumerateArray().Select(t => t.GetInt32())];
        float[][] expected = [.. reference.RootElement.GetProperty("logits_base").EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetSingle()).ToArray())];
        var difference = LlamaLogits.MaxAbsDifference(LlamaLogits.Evaluate(gguf, tokens), expected);
        output.WriteLine($"max |llama.cpp - transformers| = {difference:E2}");
        Assert.InRange(difference, 0, 1e-3);
    }

    [Theory]
    [InlineData(GgufTensorType.F32)]
    [InlineData(GgufTensorType.F16)]
    public void A_synthetic_model_exported_and_imported_again_has_every_tensor_and_setting_it_had(GgufTensorType type)
    {
        var original = _folder.Path("original.gguf");
        SyntheticLlama.Write(original, Gqa with { WeightType = type });
        HuggingFaceExporter.Export(original, _folder.Path("hf"));
        var imported = _folder.Path("imported.gguf");

        HuggingFaceImporter.Import(_folder.Path("hf"), original, imported, type);

        var (a, b) = (GgufFile.Read(original), GgufFile.Read(imported));
        Assert.Equal(a.Tensors.Select(t => t.Name).Order(), b.Tensors.Select(t => t.Name).Order());
        foreach (var tensor in a.Tensors)
        {
            var copy = b.GetTensor(tensor.Name);
            Assert.Equal(tensor.Shape, copy.Shape);
            Assert.Equal(tensor.Type, copy.Type);
            Assert.Equal(a.ReadTensorAsFloats(tensor.Name), b.ReadTensorAsFloats(tensor.Name));
        }

        foreach (var key in new[] { "llama.context_length", "llama.embedding_length", "llama.block_count", "llama.feed_forward_length", "llama.attention.head_count", "llama.attention.head_count_kv", "general.file_type" })
        {
            Assert.Equal(a.Metadata[key].AsInt64(), b.Metadata[key].AsInt64());
        }

        Assert.Equal((float)a.Metadata["llama.attention.layer_norm_rms_epsilon"].Value, (float)b.Metadata["llama.attention.layer_norm_rms_epsilon"].Value);
        Assert.Equal(a.Metadata["tokenizer.ggml.tokens"].Count, b.Metadata["tokenizer.ggml.tokens"].Count);
        int[] tokens = [1, 72, 101, 108, 108, 111, 32, 119];
        Assert.Equal(0, LlamaLogits.MaxAbsDifference(LlamaLogits.Evaluate(original, tokens), LlamaLogits.Evaluate(imported, tokens)));
    }

    [Fact]
    public void A_tied_model_is_imported_without_output_weight_even_when_the_folder_carries_lm_head()
    {
        var original = _folder.Path("original.gguf");
        SyntheticLlama.Write(original, Gqa);
        HuggingFaceExporter.Export(original, _folder.Path("hf"));
        EditConfig(_folder.Path("hf"), config => config["tie_word_embeddings"] = true);
        var imported = _folder.Path("imported.gguf");

        var result = HuggingFaceImporter.Import(_folder.Path("hf"), original, imported);

        Assert.True(result.TiedWordEmbeddings);
        Assert.False(GgufFile.Read(imported).TryGetTensor("output.weight", out _));
    }

    [Fact]
    public void Bad_folders_are_refused_naming_the_file_and_the_reason()
    {
        var original = _folder.Path("original.gguf");
        SyntheticLlama.Write(original, Gqa);
        var hf = _folder.Path("hf");
        HuggingFaceExporter.Export(original, hf);
        var output = _folder.Path("out.gguf");
        var vocabularySize = GgufFile.Read(original).Metadata["tokenizer.ggml.tokens"].Count;

        HuggingFaceFormatException Refused(string vocabulary) =>
            Assert.Throws<HuggingFaceFormatException>(() => HuggingFaceImporter.Import(hf, vocabulary, output));

        EditConfig(hf, config => config["model_type"] = "mistral");
        var error = Refused(original);
        Assert.Equal((Path.Combine(hf, "config.json"), "model_type is 'mistral'; only llama models (LlamaForCausalLM) can be imported"), (error.Path, error.Reason));

        EditConfig(hf, config => { config["model_type"] = "llama"; config["hidden_size"] = 64; });
        error = Refused(original);
        Assert.Equal($"tensor 'model.embed_tokens.weight' has shape [{vocabularySize}, 32]; config.json needs [{vocabularySize}, 64]", error.Reason);

        EditConfig(hf, config => { config["hidden_size"] = 32; config["attention_bias"] = true; });
        Assert.Equal("the model has biases (attention_bias or mlp_bias), which a llama GGUF does not hold", Refused(original).Reason);

        EditConfig(hf, config => config["attention_bias"] = false);
        var other = _folder.Path("tiny-vocab.gguf");
        WriteTinyVocabulary(other);
        Assert.EndsWith($"vocab_size is {vocabularySize}, but {other} has 64 tokens", Refused(other).Reason, StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(hf, "config.json"), "{ not json");
        Assert.StartsWith("not valid JSON", Refused(original).Reason, StringComparison.Ordinal);

        File.Delete(Path.Combine(hf, "config.json"));
        Assert.StartsWith("no such file", Refused(original).Reason, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void A_missing_or_extra_tensor_is_refused_and_no_file_is_left()
    {
        var original = _folder.Path("original.gguf");
        SyntheticLlama.Write(original, Gqa);
        var hf = _folder.Path("hf");
        HuggingFaceExporter.Export(original, hf);
        var file = SafetensorsFile.Read(Path.Combine(hf, "model.safetensors"));
        var weights = file.Tensors.Select(t => (t.Name, Shape: t.Shape.ToArray(), Values: file.ReadTensorAsFloats(t))).ToList();
        var output = _folder.Path("out.gguf");

        RewriteWeights(hf, weights, skip: "model.layers.1.mlp.up_proj.weight");
        var error = Assert.Throws<HuggingFaceFormatException>(() => HuggingFaceImporter.Import(hf, original, output));
        Assert.Equal("it has no tensor 'model.layers.1.mlp.up_proj.weight', which this config needs", error.Reason);

        RewriteWeights(_folder.Path("hf2"), weights, extra: "model.layers.0.self_attn.q_proj.bias");
        File.Copy(Path.Combine(hf, "config.json"), Path.Combine(_folder.Path("hf2"), "config.json"));
        error = Assert.Throws<HuggingFaceFormatException>(() => HuggingFaceImporter.Import(_folder.Path("hf2"), original, output));
        Assert.Equal("tensor 'model.layers.0.self_attn.q_proj.bias' has no place in a llama GGUF (biases and extra tensors are not supported)", error.Reason);
        Assert.False(File.Exists(output));
    }

    private static void EditConfig(string folder, Action<JsonObject> edit)
    {
        var path = Path.Combine(folder, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(config);
        File.WriteAllText(path, config.ToJsonString());
    }

    private static void RewriteWeights(string folder, List<(string Name, long[] Shape, float[] Values)> weights, string? skip = null, string? extra = null)
    {
        Directory.CreateDirectory(folder);
        var writer = new SafetensorsWriter();
        foreach (var (name, shape, values) in weights.Where(t => t.Name != skip))
        {
            writer.AddF32(name, shape, () => values);
        }

        if (extra is not null)
        {
            writer.AddF32(extra, [32], () => new float[32]);
        }

        writer.Write(Path.Combine(folder, "model.safetensors"));
    }

    private static string TransformersTiny(params string[] parts) =>
        RepositoryFolders.InRepository(["tests", "RagStack.Models.Tests", "HuggingFace", "transformers-tiny", .. parts]);

    /// <summary>A vocabulary-only GGUF with transformers-tiny's 64 SentencePiece tokens.</summary>
    private static string WriteTinyVocabulary(string path)
    {
        string[] tokens = [.. Enumerable.Range(0, 64).Select(i => i switch { 0 => "<unk>", 1 => "<s>", 2 => "</s>", 3 => "<0x0A>", _ => $"t{i}" })];
        new GgufWriter()
            .SetMetadata("general.architecture", GgufValue.Of("llama"))
            .SetMetadata("tokenizer.ggml.model", GgufValue.Of("llama"))
            .SetMetadata("tokenizer.ggml.tokens", GgufValue.Of(tokens))
            .SetMetadata("tokenizer.ggml.scores", GgufValue.Of(tokens.Select((_, i) => -(float)i).ToArray()))
            .SetMetadata("tokenizer.ggml.token_type", GgufValue.Of(tokens.Select((_, i) => i switch { 0 => 2, 1 or 2 => 3, 3 => 6, _ => 1 }).ToArray()))
            .SetMetadata("tokenizer.ggml.bos_token_id", GgufValue.Of(1u))
            .SetMetadata("tokenizer.ggml.eos_token_id", GgufValue.Of(2u))
            .Write(path);
        return path;
    }
}
