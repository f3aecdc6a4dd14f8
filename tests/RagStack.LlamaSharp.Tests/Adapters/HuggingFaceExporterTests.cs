using System.Text.Json;
using RagStack.LlamaSharp.Adapters;
using RagStack.LlamaSharp.Gguf;
using Xunit.Abstractions;
using static RagStack.LlamaSharp.Tests.Adapters.PeftAdapterWriter;

namespace RagStack.LlamaSharp.Tests.Adapters;

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
