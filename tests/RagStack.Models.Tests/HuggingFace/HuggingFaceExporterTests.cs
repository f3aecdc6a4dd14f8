using System.Text.Json;
using RagStack.LlamaSharp.Quantization;
using RagStack.Models.Adapters;
using RagStack.Models.Gguf;
using RagStack.Models.HuggingFace;
using RagStack.Models.Safetensors;
using Xunit.Abstractions;
using static RagStack.Models.Tests.Adapters.PeftAdapterWriter;

namespace RagStack.Models.Tests.HuggingFace;

public sealed class HuggingFaceExporterTests(ITestOutputHelper output) : IDisposable
{
    // Grouped-query attention (4 query heads, 2 KV heads of 8) so the query and key rows are reordered with different head counts.
    private static readonly SyntheticLlamaSpec Gqa = new() { EmbeddingLength = 32, Heads = 4, KvHeads = 2, FeedForwardLength = 48, Layers = 2, ContextLength = 384, Seed = 7 };

    /// <summary>llama.cpp's tensor names inside <c>blk.N.</c> and Hugging Face's inside <c>model.layers.N.</c>, written out here independently of the exporter.</summary>
    private static readonly Dictionary<string, string> BlockNames = new()
    {
        ["attn_norm"] = "input_layernorm", ["attn_q"] = "self_attn.q_proj", ["attn_k"] = "self_attn.k_proj", ["attn_v"] = "self_attn.v_proj",
        ["attn_output"] = "self_attn.o_proj", ["ffn_norm"] = "post_attention_layernorm", ["ffn_gate"] = "mlp.gate_proj",
        ["ffn_up"] = "mlp.up_proj", ["ffn_down"] = "mlp.down_proj",
    };

    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(GgufTensorType.F32)]
    [InlineData(GgufTensorType.F16)]
    [InlineData(GgufTensorType.BF16)]
    public void Every_tensor_of_a_synthetic_gqa_model_is_exported_in_hugging_face_layout(GgufTensorType weightType)
    {
        var gguf = _folder.Path("base.gguf");
        SyntheticLlama.Write(gguf, Gqa with { WeightType = weightType });

        var result = HuggingFaceExporter.Export(gguf, _folder.Path("hf"));

        var file = GgufFile.Read(gguf);
        Assert.Equal(3 + (9 * Gqa.Layers), result.TensorCount);
        Assert.Equal(file.Tensors.Sum(t => t.ElementCount), result.ParameterCount);
        Assert.False(result.TiedWordEmbeddings);
        Assert.Equal(Path.Combine(_folder.Path("hf"), "model.safetensors"), result.WeightsPath);
        AssertEveryTensorMatches(file, SafetensorsFile.Read(result.WeightsPath));
    }

    [Fact]
    public void Config_json_describes_the_model_for_LlamaForCausalLM()
    {
        var gguf = _folder.Path("base.gguf");
        SyntheticLlama.Write(gguf, Gqa);

        var result = HuggingFaceExporter.Export(gguf, _folder.Path("hf"));

        using var config = JsonDocument.Parse(File.ReadAllBytes(result.ConfigPath));
        var root = config.RootElement;
        Assert.Equal("LlamaForCausalLM", Assert.Single(root.GetProperty("architectures").EnumerateArray()).GetString());
        Assert.Equal("llama", root.GetProperty("model_type").GetString());
        Assert.Equal(32, root.GetProperty("hidden_size").GetInt32());
        Assert.Equal(48, root.GetProperty("intermediate_size").GetInt32());
        Assert.Equal(2, root.GetProperty("num_hidden_layers").GetInt32());
        Assert.Equal(4, root.GetProperty("num_attention_heads").GetInt32());
        Assert.Equal(2, root.GetProperty("num_key_value_heads").GetInt32());
        Assert.Equal(8, root.GetProperty("head_dim").GetInt32());
        Assert.Equal("1E-05", root.GetProperty("rms_norm_eps").GetRawText()); // not 9.99999974737875E-06, the float32 widened
        Assert.Equal(10000.0, root.GetProperty("rope_theta").GetDouble());
        Assert.Equal(384, root.GetProperty("max_position_embeddings").GetInt32());
        Assert.Equal(GgufFile.Read(gguf).Metadata["tokenizer.ggml.tokens"].Count, root.GetProperty("vocab_size").GetInt32());
        Assert.False(root.GetProperty("tie_word_embeddings").GetBoolean());
        Assert.Equal(BuiltInVocabulary.Bos, root.GetProperty("bos_token_id").GetUInt32());
        Assert.Equal(BuiltInVocabulary.Eos, root.GetProperty("eos_token_id").GetUInt32());
        Assert.Equal("float32", root.GetProperty("torch_dtype").GetString());
        Assert.Equal("silu", root.GetProperty("hidden_act").GetString());
        Assert.Equal(["config.json", "model.safetensors"], Directory.GetFiles(_folder.Path("hf")).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void A_model_without_output_weight_is_exported_with_tied_embeddings_and_no_lm_head()
    {
        var full = _folder.Path("full.gguf");
        SyntheticLlama.Write(full, Gqa);
        var tiedPath = _folder.Path("tied.gguf");
        Copy(full, tiedPath, skip: "output.weight");

        var result = HuggingFaceExporter.Export(tiedPath, _folder.Path("hf"));

        Assert.True(result.TiedWordEmbeddings);
        var weights = SafetensorsFile.Read(result.WeightsPath);
        Assert.False(weights.TryGetTensor("lm_head.weight", out _));
        Assert.Equal(2 + (9 * Gqa.Layers), weights.Tensors.Count);
        using var config = JsonDocument.Parse(File.ReadAllBytes(result.ConfigPath));
        Assert.True(config.RootElement.GetProperty("tie_word_embeddings").GetBoolean());
        AssertEveryTensorMatches(GgufFile.Read(tiedPath), weights);
    }

    [Fact]
    public void A_q8_0_model_is_exported_as_its_dequantized_values()
    {
        var f32 = _folder.Path("f32.gguf");
        var q8 = _folder.Path("q8.gguf");
        SyntheticLlama.Write(f32, Gqa with { EmbeddingLength = 64, FeedForwardLength = 96, Layers = 1 });
        GgufQuantizer.Quantize(f32, q8, GgufQuantizationType.Q8_0, threads: 1);
        var file = GgufFile.Read(q8);
        Assert.Contains(file.Tensors, t => t.Type == GgufTensorType.Q8_0); // else this would test F32 again

        var result = HuggingFaceExporter.Export(q8, _folder.Path("hf"));

        AssertEveryTensorMatches(file, SafetensorsFile.Read(result.WeightsPath));
    }

    [Fact]
    public void A_k_quant_model_is_refused_naming_the_tensor_and_its_type_and_nothing_is_written()
    {
        var f32 = _folder.Path("f32.gguf");
        var q4 = _folder.Path("q4.gguf");
        SyntheticLlama.Write(f32, Gqa with { EmbeddingLength = 256, Heads = 8, KvHeads = 4, FeedForwardLength = 512, Layers = 1 });
        GgufQuantizer.Quantize(f32, q4, GgufQuantizationType.Q4_K_M, threads: 1);

        var error = Assert.Throws<GgufFormatException>(() => HuggingFaceExporter.Export(q4, _folder.Path("hf")));

        Assert.Equal(q4, error.FilePath);
        var named = System.Text.RegularExpressions.Regex.Match(error.Reason, "^tensor '(?<name>[^']+)' is (?<type>Q[2-6]_K); only F32, F16, BF16 and Q8_0 tensors can be exported");
        Assert.True(named.Success, error.Reason);
        Assert.Equal(named.Groups["type"].Value, GgufFile.Read(q4).GetTensor(named.Groups["name"].Value).Type.ToString());
        Assert.False(Directory.Exists(_folder.Path("hf")));
    }

    [Fact]
    public void A_model_of_another_architecture_is_refused_naming_it()
    {
        var path = _folder.Path("gpt2.gguf");
        new GgufWriter().SetMetadata("general.architecture", GgufValue.Of("gpt2")).AddTensor("token_embd.weight", [4, 2], GgufTensorType.F32, new float[8]).Write(path);

        var error = Assert.Throws<GgufFormatException>(() => HuggingFaceExporter.Export(path, _folder.Path("hf")));

        Assert.Equal("its architecture is 'gpt2'; only llama models can be exported to Hugging Face for now", error.Reason);
    }

    [Fact]
    public void A_model_missing_a_block_tensor_is_refused_naming_it()
    {
        var full = _folder.Path("full.gguf");
        SyntheticLlama.Write(full, Gqa);
        var broken = _folder.Path("broken.gguf");
        Copy(full, broken, skip: "blk.1.ffn_up.weight");

        var error = Assert.Throws<GgufFormatException>(() => HuggingFaceExporter.Export(broken, _folder.Path("hf")));

        Assert.Equal("it has no tensor 'blk.1.ffn_up.weight', which every llama model has", error.Reason);
    }

    [SkippableFact]
    public void The_real_stories260K_is_exported_tensor_for_tensor_with_its_config()
    {
        var gguf = SharedModels.Stories260K;
        Skip.If(gguf is null, SharedModels.Missing);

        var result = HuggingFaceExporter.Export(gguf, _folder.Path("hf"));

        var file = GgufFile.Read(gguf);
        output.WriteLine($"{result.TensorCount} tensors, {result.ParameterCount} parameters, tied embeddings: {result.TiedWordEmbeddings}");
        Assert.Equal(292_800, result.ParameterCount);
        AssertEveryTensorMatches(file, SafetensorsFile.Read(result.WeightsPath));
        using var config = JsonDocument.Parse(File.ReadAllBytes(result.ConfigPath));
        var root = config.RootElement;
        Assert.Equal(
            (64, 5, 8, 4, 8, 2048, 512),
            (root.GetProperty("hidden_size").GetInt32(), root.GetProperty("num_hidden_layers").GetInt32(), root.GetProperty("num_attention_heads").GetInt32(),
             root.GetProperty("num_key_value_heads").GetInt32(), root.GetProperty("head_dim").GetInt32(), root.GetProperty("max_position_embeddings").GetInt32(),
             root.GetProperty("vocab_size").GetInt32()));
        Assert.Equal(file.Metadata["llama.feed_forward_length"].AsInt64(), root.GetProperty("intermediate_size").GetInt64());
        Assert.Equal(1, root.GetProperty("bos_token_id").GetInt32());
        Assert.Equal(2, root.GetProperty("eos_token_id").GetInt32());
    }

    [Fact]
    public void A_peft_lora_trained_against_the_exported_weights_imports_to_the_same_logits_as_merging_it_there()
    {
        var baseModel = _folder.Path("base.gguf");
        SyntheticLlama.Write(baseModel, Gqa);
        var export = HuggingFaceExporter.Export(baseModel, _folder.Path("hf"));
        var exported = SafetensorsFile.Read(export.WeightsPath);
        const int Rank = 4;
        const float Alpha = 8;
        string[] modules = ["q_proj", "k_proj", "v_proj"];
        var random = new Random(13);
        var lora = new List<Tensor>();
        var merged = new Dictionary<string, float[]>();
        for (var layer = 0; layer < Gqa.Layers; layer++)
        {
            foreach (var module in modules)
            {
                Assert.True(exported.TryGetTensor($"model.layers.{layer}.self_attn.{module}.weight", out var tensor));
                var weight = exported.ReadTensorAsFloats(tensor);
                var (outputs, inputs) = ((int)tensor.Shape[0], (int)tensor.Shape[1]);
                var a = Uniform(random, Rank * inputs);
                var b = Uniform(random, outputs * Rank);
                lora.Add(new Tensor(LoraName(layer, module, 'A'), [Rank, inputs], a));
                lora.Add(new Tensor(LoraName(layer, module, 'B'), [outputs, Rank], b));

                // W + (alpha / r)·B·A in Hugging Face's row order (what peft's merge_and_unload computes), then converted back to
                // GGUF the way llama.cpp's converter converts a merged model.
                for (var row = 0; row < outputs; row++)
                {
                    for (var column = 0; column < inputs; column++)
                    {
                        var sum = 0f;
                        for (var k = 0; k < Rank; k++)
                        {
                            sum += b[(row * Rank) + k] * a[(k * inputs) + column];
                        }

                        weight[(row * inputs) + column] += Alpha / Rank * sum;
                    }
                }

                var heads = module switch { "q_proj" => Gqa.Heads, "k_proj" => Gqa.KvHeads, _ => 0 };
                merged[$"blk.{layer}.attn_{module[0]}.weight"] = heads > 0 ? RotaryRowOrder.HuggingFaceToGguf(weight, outputs, inputs, heads) : weight;
            }
        }

        Write(_folder.Path("peft"), Rank, Alpha, modules, lora);
        var adapter = _folder.Path("lora.gguf");
        PeftAdapterImporter.Import(_folder.Path("peft"), baseModel, adapter);
        var mergedModel = _folder.Path("merged.gguf");
        Copy(baseModel, mergedModel, replace: merged);

        int[] tokens = [1, 72, 101, 108, 108, 111, 32, 119, 111, 114, 108, 100, 33, 10, 65, 66];
        var plain = LlamaLogits.Evaluate(baseModel, tokens);
        var adapted = LlamaLogits.Evaluate(baseModel, tokens, adapter);
        var expected = LlamaLogits.Evaluate(mergedModel, tokens);

        var effect = LlamaLogits.MaxAbsDifference(adapted, plain);
        var difference = LlamaLogits.MaxAbsDifference(adapted, expected);
        output.WriteLine($"adapter moves logits by up to {effect:E2}; max |imported adapter - merged on the export| = {difference:E2}");
        Assert.InRange(effect, 1e-2, double.MaxValue);
        Assert.InRange(difference, 0, effect / 100);
    }

    [Fact]
    public void A_model_from_transformers_converted_to_gguf_exports_back_to_its_exact_weights_and_config()
    {
        var gguf = _folder.Path("tiny.gguf");
        var original = SafetensorsFile.Read(TransformersTiny("hf", "model.safetensors"));
        WriteGgufFromTransformers(original, gguf);

        var result = HuggingFaceExporter.Export(gguf, _folder.Path("hf"));

        var exported = SafetensorsFile.Read(result.WeightsPath);
        Assert.Equal(original.Tensors.Select(t => t.Name).Order(), exported.Tensors.Select(t => t.Name).Order());
        foreach (var tensor in original.Tensors)
        {
            Assert.True(exported.TryGetTensor(tensor.Name, out var copy));
            Assert.Equal(tensor.Shape, copy.Shape);
            Assert.Equal(original.ReadTensorAsFloats(tensor), exported.ReadTensorAsFloats(copy));
        }

        using var theirs = JsonDocument.Parse(File.ReadAllBytes(TransformersTiny("hf", "config.json")));
        using var ours = JsonDocument.Parse(File.ReadAllBytes(result.ConfigPath));
        foreach (var key in new[] { "architectures", "model_type", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "head_dim", "rms_norm_eps", "max_position_embeddings", "vocab_size", "tie_word_embeddings", "bos_token_id", "eos_token_id", "hidden_act" })
        {
            Assert.True(JsonElement.DeepEquals(theirs.RootElement.GetProperty(key), ours.RootElement.GetProperty(key)), $"{key}: {theirs.RootElement.GetProperty(key)} vs {ours.RootElement.GetProperty(key)}");
        }

        Assert.Equal(theirs.RootElement.GetProperty("rope_parameters").GetProperty("rope_theta").GetDouble(), ours.RootElement.GetProperty("rope_theta").GetDouble());
    }

    [Fact]
    public void Llama_cpp_on_the_gguf_and_with_the_imported_train_lora_adapter_gives_the_logits_transformers_and_peft_gave()
    {
        var gguf = _folder.Path("tiny.gguf");
        WriteGgufFromTransformers(SafetensorsFile.Read(TransformersTiny("hf", "model.safetensors")), gguf);
        var adapter = _folder.Path("lora.gguf");

        var import = PeftAdapterImporter.Import(TransformersTiny("adapter"), gguf, adapter);

        Assert.Equal(7, import.TargetModules.Count);
        using var reference = JsonDocument.Parse(File.ReadAllBytes(TransformersTiny("logits.json")));
        int[] tokens = [.. reference.RootElement.GetProperty("token_ids").EnumerateArray().Select(t => t.GetInt32())];
        float[][] Logits(string name) => [.. reference.RootElement.GetProperty(name).EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetSingle()).ToArray())];
        var baseDifference = LlamaLogits.MaxAbsDifference(LlamaLogits.Evaluate(gguf, tokens), Logits("logits_base"));
        var adapterDifference = LlamaLogits.MaxAbsDifference(LlamaLogits.Evaluate(gguf, tokens, adapter), Logits("logits_with_adapter"));
        var effect = LlamaLogits.MaxAbsDifference(Logits("logits_with_adapter"), Logits("logits_base"));
        output.WriteLine($"max |llama.cpp - transformers|: base {baseDifference:E2}, with adapter {adapterDifference:E2} (the adapter moves logits by up to {effect:F2})");
        Assert.InRange(effect, 1, double.MaxValue);
        Assert.InRange(baseDifference, 0, 1e-3);
        Assert.InRange(adapterDifference, 0, 1e-3);
    }

    /// <summary>
    /// Checks that the export holds every GGUF tensor under its Hugging Face name, shape reversed, with the same values, except
    /// that q and k rows are in Hugging Face's order: GGUF row h·d + 2i + j is Hugging Face row h·d + j·d/2 + i.
    /// </summary>
    private static void AssertEveryTensorMatches(GgufFile gguf, SafetensorsFile exported)
    {
        var heads = (int)gguf.Metadata["llama.attention.head_count"].AsInt64();
        var kvHeads = (int)gguf.Metadata["llama.attention.head_count_kv"].AsInt64();
        Assert.Equal(gguf.Tensors.Count, exported.Tensors.Count);
        Assert.Equal("pt", exported.Metadata["format"]);
        foreach (var tensor in gguf.Tensors)
        {
            var name = HuggingFaceName(tensor.Name);
            Assert.True(exported.TryGetTensor(name, out var copy), $"{name} is missing");
            Assert.Equal("F32", copy.DType);
            Assert.Equal(tensor.Shape.Reverse(), copy.Shape);
            var expected = gguf.ReadTensorAsFloats(tensor.Name);
            var actual = exported.ReadTensorAsFloats(copy);
            var headCount = tensor.Name.Contains(".attn_q.", StringComparison.Ordinal) ? heads
                : tensor.Name.Contains(".attn_k.", StringComparison.Ordinal) ? kvHeads
                : 0;
            if (headCount == 0)
            {
                Assert.Equal(expected, actual);
                continue;
            }

            var (rows, rowLength) = ((int)tensor.Shape[1], (int)tensor.Shape[0]);
            var d = rows / headCount;
            for (var row = 0; row < rows; row++)
            {
                var (head, within) = (row / d, row % d);
                var huggingFaceRow = (head * d) + ((within % 2) * (d / 2)) + (within / 2);
                Assert.Equal(expected.AsSpan(row * rowLength, rowLength), actual.AsSpan(huggingFaceRow * rowLength, rowLength));
            }

            Assert.NotEqual(expected, actual); // the reordering happened
        }
    }

    private static string HuggingFaceName(string ggufName) => ggufName switch
    {
        "token_embd.weight" => "model.embed_tokens.weight",
        "output_norm.weight" => "model.norm.weight",
        "output.weight" => "lm_head.weight",
        _ when ggufName.Split('.') is ["blk", var layer, var tensor, "weight"] => $"model.layers.{layer}.{BlockNames[tensor]}.weight",
        _ => throw new ArgumentException($"Unexpected tensor {ggufName}.", nameof(ggufName)),
    };

    private static string TransformersTiny(params string[] parts) =>
        RepositoryFolders.InRepository(["tests", "RagStack.Models.Tests", "HuggingFace", "transformers-tiny", .. parts]);

    /// <summary>
    /// Converts transformers-tiny's weights to GGUF the way llama.cpp's converter does (names mapped, shapes reversed, q and k
    /// rows interleaved per head), with a 64-token SentencePiece vocabulary so llama.cpp loads it.
    /// </summary>
    private static void WriteGgufFromTransformers(SafetensorsFile weights, string path)
    {
        string[] tokens = [.. Enumerable.Range(0, 64).Select(i => i switch { 0 => "<unk>", 1 => "<s>", 2 => "</s>", 3 => "<0x0A>", _ => $"t{i}" })];
        var writer = new GgufWriter()
            .SetMetadata("general.architecture", GgufValue.Of("llama"))
            .SetMetadata("llama.context_length", GgufValue.Of(128u))
            .SetMetadata("llama.embedding_length", GgufValue.Of(32u))
            .SetMetadata("llama.block_count", GgufValue.Of(2u))
            .SetMetadata("llama.feed_forward_length", GgufValue.Of(64u))
            .SetMetadata("llama.attention.head_count", GgufValue.Of(4u))
            .SetMetadata("llama.attention.head_count_kv", GgufValue.Of(2u))
            .SetMetadata("llama.rope.dimension_count", GgufValue.Of(8u))
            .SetMetadata("llama.attention.layer_norm_rms_epsilon", GgufValue.Of(1e-5f))
            .SetMetadata("tokenizer.ggml.model", GgufValue.Of("llama"))
            .SetMetadata("tokenizer.ggml.tokens", GgufValue.Of(tokens))
            .SetMetadata("tokenizer.ggml.scores", GgufValue.Of(tokens.Select((_, i) => -(float)i).ToArray()))
            .SetMetadata("tokenizer.ggml.token_type", GgufValue.Of(tokens.Select((_, i) => i switch { 0 => 2, 1 or 2 => 3, 3 => 6, _ => 1 }).ToArray()))
            .SetMetadata("tokenizer.ggml.bos_token_id", GgufValue.Of(1u))
            .SetMetadata("tokenizer.ggml.eos_token_id", GgufValue.Of(2u));
        var ggufNames = BlockNames.ToDictionary(pair => pair.Value, pair => pair.Key);
        foreach (var tensor in weights.Tensors)
        {
            var name = tensor.Name switch
            {
                "model.embed_tokens.weight" => "token_embd.weight",
                "model.norm.weight" => "output_norm.weight",
                "lm_head.weight" => "output.weight",
                _ when tensor.Name.Split('.', 4) is ["model", "layers", var layer, var rest] => $"blk.{layer}.{ggufNames[rest[..^".weight".Length]]}.weight",
                _ => throw new ArgumentException($"Unexpected tensor {tensor.Name}.", nameof(weights)),
            };
            var values = weights.ReadTensorAsFloats(tensor);
            var heads = name.EndsWith(".attn_q.weight", StringComparison.Ordinal) ? 4 : name.EndsWith(".attn_k.weight", StringComparison.Ordinal) ? 2 : 0;
            if (heads > 0)
            {
                values = RotaryRowOrder.HuggingFaceToGguf(values, (int)tensor.Shape[0], (int)tensor.Shape[1], heads);
            }

            writer.AddTensor(name, [.. tensor.Shape.Reverse()], GgufTensorType.F32, values);
        }

        writer.Write(path);
    }

    /// <summary>Copies a GGUF file, leaving out <paramref name="skip"/> and replacing the values of the tensors in <paramref name="replace"/>.</summary>
    private static void Copy(string source, string destination, string? skip = null, IReadOnlyDictionary<string, float[]>? replace = null)
    {
        var file = GgufFile.Read(source);
        var writer = new GgufWriter();
        foreach (var (key, value) in file.Metadata)
        {
            writer.SetMetadata(key, value);
        }

        foreach (var tensor in file.Tensors.Where(t => t.Name != skip))
        {
            if (replace is not null && replace.TryGetValue(tensor.Name, out var values))
            {
                writer.AddTensor(tensor.Name, tensor.Shape, tensor.Type, values);
            }
            else
            {
                writer.AddTensor(tensor.Name, tensor.Shape, tensor.Type, (ReadOnlyMemory<byte>)file.ReadTensorBytes(tensor));
            }
        }

        writer.Write(destination);
    }

    private static float[] Uniform(Random random, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => ((random.NextSingle() * 2) - 1) * 0.3f)];
}
