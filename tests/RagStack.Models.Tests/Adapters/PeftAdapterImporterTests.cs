using System.Text.Json;
using RagStack.Models.Adapters;
using RagStack.Models.Gguf;
using RagStack.Models.Safetensors;
using Xunit.Abstractions;
using static RagStack.Models.Tests.Adapters.PeftAdapterWriter;

namespace RagStack.Models.Tests.Adapters;

public sealed class PeftAdapterImporterTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string[] AllModules = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];

    // Grouped-query attention (4 query heads, 2 KV heads of 8) so the query and key reorderings use different head counts.
    private static readonly SyntheticLlamaSpec Gqa = new() { EmbeddingLength = 32, Heads = 4, KvHeads = 2, FeedForwardLength = 48, Layers = 2, Seed = 3 };

    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [SkippableFact]
    public void The_real_stories260K_adapter_gives_transformers_logits_in_llama_cpp()
    {
        var baseModel = SharedModels.Stories260K;
        var config = SharedModels.Find(Path.Combine("peft-stories260K", "adapter_config.json"));
        Skip.If(baseModel is null || config is null, SharedModels.Missing);
        var peft = Path.GetDirectoryName(config)!;
        var adapter = _folder.Path("stories260K-lora.gguf");

        var result = PeftAdapterImporter.Import(peft, baseModel, adapter);

        Assert.Equal((16, 32f, 20), (result.Rank, result.Alpha, result.TensorCount));
        Assert.Equal(["q_proj", "v_proj"], result.TargetModules);
        Assert.Equal([0, 1, 2, 3, 4], result.Layers);
        var file = GgufFile.Read(adapter);
        Assert.Equal("llama", file.Metadata["general.architecture"].AsString());
        Assert.Equal("adapter", file.Metadata["general.type"].AsString());
        Assert.Equal("lora", file.Metadata["adapter.type"].AsString());
        Assert.Equal(GgufValue.Of(32f), file.Metadata["adapter.lora.alpha"]);
        Assert.Equal([64L, 16L], file.GetTensor("blk.4.attn_q.weight.lora_a").Shape);
        Assert.Equal([16L, 32L], file.GetTensor("blk.4.attn_v.weight.lora_b").Shape);

        using var reference = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(peft, "reference_logits.json")));
        int[] tokens = [.. reference.RootElement.GetProperty("token_ids").EnumerateArray().Select(t => t.GetInt32())];
        var referenceBase = Matrix(reference.RootElement.GetProperty("logits_base"));
        var referenceAdapted = Matrix(reference.RootElement.GetProperty("logits_with_adapter"));

        var plain = LlamaLogits.Evaluate(baseModel, tokens);
        var adapted = LlamaLogits.Evaluate(baseModel, tokens, adapter, scale: 1f);
        var switchedOff = LlamaLogits.Evaluate(baseModel, tokens, adapter, scale: 0f);

        var baseDifference = LlamaLogits.MaxAbsDifference(plain, referenceBase);
        var adapterDifference = LlamaLogits.MaxAbsDifference(adapted, referenceAdapted);
        var adapterEffect = LlamaLogits.MaxAbsDifference(referenceAdapted, referenceBase);
        output.WriteLine($"max |llama.cpp - transformers|: base {baseDifference:E2}, with adapter {adapterDifference:E2} (the adapter itself moves logits by up to {adapterEffect:F2})");
        Assert.InRange(adapterEffect, 0.5, double.MaxValue); // else agreeing with the adapter reference would prove nothing
        // Both run in F32 (flash attention off; see LlamaLogits), so anything beyond rounding is a conversion error.
        Assert.InRange(baseDifference, 0, 1e-3);
        Assert.InRange(adapterDifference, 0, 1e-3);
        Assert.Equal(plain, switchedOff); // scale 0 adds exactly zero
    }

    [SkippableFact]
    public void Without_the_query_row_reordering_the_real_adapter_would_give_wrong_logits()
    {
        var baseModel = SharedModels.Stories260K;
        var config = SharedModels.Find(Path.Combine("peft-stories260K", "adapter_config.json"));
        Skip.If(baseModel is null || config is null, SharedModels.Missing);
        var peft = Path.GetDirectoryName(config)!;
        var adapter = _folder.Path("right.gguf");
        PeftAdapterImporter.Import(peft, baseModel, adapter);

        // The same file, but with lora_b of attn_q in Hugging Face's row order: what a converter that forgot the reordering writes.
        var imported = GgufFile.Read(adapter);
        var weights = SafetensorsFile.Read(Path.Combine(peft, PeftAdapterImporter.WeightsFileName));
        var writer = new GgufWriter();
        foreach (var (key, value) in imported.Metadata)
        {
            writer.SetMetadata(key, value);
        }

        foreach (var tensor in imported.Tensors)
        {
            var huggingFaceName = $"base_model.model.model.layers.{tensor.Name.Split('.')[1]}.self_attn.q_proj.lora_B.weight";
            writer.AddTensor(tensor.Name, tensor.Shape, GgufTensorType.F32,
                tensor.Name.EndsWith("attn_q.weight.lora_b", StringComparison.Ordinal) && weights.TryGetTensor(huggingFaceName, out var unordered)
                    ? weights.ReadTensorAsFloats(unordered)
                    : imported.ReadTensorAsFloats(tensor.Name));
        }

        var wrong = _folder.Path("wrong.gguf");
        writer.Write(wrong);

        using var reference = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(peft, "reference_logits.json")));
        int[] tokens = [.. reference.RootElement.GetProperty("token_ids").EnumerateArray().Select(t => t.GetInt32())];
        var referenceAdapted = Matrix(reference.RootElement.GetProperty("logits_with_adapter"));
        var difference = LlamaLogits.MaxAbsDifference(LlamaLogits.Evaluate(baseModel, tokens, wrong), referenceAdapted);
        output.WriteLine($"max |llama.cpp - transformers| without the reordering: {difference:F3}");
        Assert.InRange(difference, 0.05, double.MaxValue);
    }

    [Fact]
    public void A_synthetic_adapter_on_every_projection_equals_its_weights_merged_into_the_base()
    {
        var baseModel = _folder.Path("base.gguf");
        SyntheticLlama.Write(baseModel, Gqa);
        var tensors = RandomLora(Gqa, rank: 4, AllModules, seed: 11);
        Write(_folder.Path("peft"), rank: 4, alpha: 8, AllModules, tensors);
        var adapter = _folder.Path("lora.gguf");

        var result = PeftAdapterImporter.Import(_folder.Path("peft"), baseModel, adapter);

        Assert.Equal(AllModules, result.TargetModules);
        Assert.Equal((4, 8f, 28), (result.Rank, result.Alpha, result.TensorCount));
        var merged = _folder.Path("merged.gguf");
        WriteMerged(baseModel, merged, tensors, scale: 8f / 4);

        int[] tokens = [1, 72, 101, 108, 108, 111, 32, 119, 111, 114, 108, 100, 33, 10, 65, 66];
        var plain = LlamaLogits.Evaluate(baseModel, tokens);
        var adapted = LlamaLogits.Evaluate(baseModel, tokens, adapter, scale: 1f);
        var switchedOff = LlamaLogits.Evaluate(baseModel, tokens, adapter, scale: 0f);
        var expected = LlamaLogits.Evaluate(merged, tokens);

        var effect = LlamaLogits.MaxAbsDifference(adapted, plain);
        var mergedDifference = LlamaLogits.MaxAbsDifference(adapted, expected);
        output.WriteLine($"adapter moves logits by up to {effect:E2}; max |adapter - merged| = {mergedDifference:E2}");
        Assert.InRange(effect, 1e-2, double.MaxValue);
        Assert.InRange(mergedDifference, 0, effect / 100);
        Assert.Equal(plain, switchedOff); // scale 0 adds exactly zero
    }

    [Fact]
    public void Query_and_key_rows_of_lora_B_are_interleaved_per_head_and_value_rows_are_kept()
    {
        // Two query heads and one KV head of 8: Hugging Face rows (h, half, i) land on GGUF row h·8 + 2i + half.
        var spec = new SyntheticLlamaSpec { EmbeddingLength = 16, Heads = 2, KvHeads = 1, FeedForwardLength = 32, Layers = 1 };
        var baseModel = _folder.Path("base.gguf");
        SyntheticLlama.Write(baseModel, spec);
        string[] modules = ["q_proj", "k_proj", "v_proj"];
        var tensors = new List<Tensor>();
        foreach (var module in modules)
        {
            var outputs = module == "q_proj" ? 16 : 8;
            var a = Enumerable.Range(0, 2 * 16).Select(i => i * 0.5f).ToArray();
            var b = Enumerable.Range(0, outputs).SelectMany(row => new[] { (float)row, 100f + row }).ToArray(); // each row names itself
            tensors.Add(new Tensor(LoraName(0, module, 'A'), [2, 16], a));
            tensors.Add(new Tensor(LoraName(0, module, 'B'), [outputs, 2], b));
        }

        Write(_folder.Path("peft"), rank: 2, alpha: 2, modules, tensors);
        var adapter = _folder.Path("lora.gguf");
        PeftAdapterImporter.Import(_folder.Path("peft"), baseModel, adapter);

        var file = GgufFile.Read(adapter);
        Assert.Equal([2L, 16L], file.GetTensor("blk.0.attn_q.weight.lora_b").Shape);
        Assert.Equal(Rows([0, 4, 1, 5, 2, 6, 3, 7, 8, 12, 9, 13, 10, 14, 11, 15]), file.ReadTensorAsFloats("blk.0.attn_q.weight.lora_b"));
        Assert.Equal(Rows([0, 4, 1, 5, 2, 6, 3, 7]), file.ReadTensorAsFloats("blk.0.attn_k.weight.lora_b"));
        Assert.Equal(Rows([0, 1, 2, 3, 4, 5, 6, 7]), file.ReadTensorAsFloats("blk.0.attn_v.weight.lora_b"));
        Assert.Equal(tensors[0].Values, file.ReadTensorAsFloats("blk.0.attn_q.weight.lora_a")); // A is never reordered
        Assert.Equal([16L, 2L], file.GetTensor("blk.0.attn_q.weight.lora_a").Shape);

        static float[] Rows(int[] huggingFaceRows) => [.. huggingFaceRows.SelectMany(row => new[] { (float)row, 100f + row })];
    }

    [Fact]
    public void F16_and_BF16_adapter_weights_are_imported_as_their_float_values()
    {
        var spec = new SyntheticLlamaSpec { EmbeddingLength = 16, Heads = 2, KvHeads = 2, FeedForwardLength = 32, Layers = 1 };
        var baseModel = _folder.Path("base.gguf");
        SyntheticLlama.Write(baseModel, spec);
        var a = Enumerable.Range(0, 2 * 16).Select(i => (i - 16) * 0.25f).ToArray();
        var b = Enumerable.Range(0, 16 * 2).Select(i => i * -0.5f).ToArray();
        Write(_folder.Path("peft"), rank: 2, alpha: 4, ["o_proj"],
        [
            new Tensor(LoraName(0, "o_proj", 'A'), [2, 16], a, "F16"),
            new Tensor(LoraName(0, "o_proj", 'B'), [16, 2], b, "BF16"),
        ]);

        PeftAdapterImporter.Import(_folder.Path("peft"), baseModel, _folder.Path("lora.gguf"));

        var file = GgufFile.Read(_folder.Path("lora.gguf"));
        Assert.Equal(a, file.ReadTensorAsFloats("blk.0.attn_output.weight.lora_a"));
        Assert.Equal(b, file.ReadTensorAsFloats("blk.0.attn_output.weight.lora_b"));
        Assert.Equal(GgufTensorType.F32, file.GetTensor("blk.0.attn_output.weight.lora_b").Type);
    }

    [Fact]
    public void A_folder_without_adapter_config_is_refused_naming_the_missing_file()
    {
        SyntheticLlama.Write(_folder.Path("base.gguf"), Gqa);
        Directory.CreateDirectory(_folder.Path("peft"));
        WriteSafetensors(_folder.Path(Path.Combine("peft", PeftAdapterImporter.WeightsFileName)), RandomLora(Gqa, 4, ["q_proj"], 1));

        var error = Assert.Throws<AdapterImportException>(() => PeftAdapterImporter.Import(_folder.Path("peft"), _folder.Path("base.gguf"), _folder.Path("out.gguf")));

        Assert.Equal(PeftAdapterImporter.ConfigFileName, Path.GetFileName(error.FilePath));
        Assert.StartsWith("missing", error.Reason, StringComparison.Ordinal);
        Assert.False(File.Exists(_folder.Path("out.gguf")));
    }

    [Fact]
    public void A_folder_with_only_a_pickled_adapter_is_told_to_save_safetensors()
    {
        SyntheticLlama.Write(_folder.Path("base.gguf"), Gqa);
        Write(_folder.Path("peft"), 4, 8, ["q_proj"], RandomLora(Gqa, 4, ["q_proj"], 1));
        File.Move(_folder.Path(Path.Combine("peft", PeftAdapterImporter.WeightsFileName)), _folder.Path(Path.Combine("peft", "adapter_model.bin")));

        var error = Assert.Throws<AdapterImportException>(() => PeftAdapterImporter.Import(_folder.Path("peft"), _folder.Path("base.gguf"), _folder.Path("out.gguf")));

        Assert.Equal(PeftAdapterImporter.WeightsFileName, Path.GetFileName(error.FilePath));
        Assert.Contains("safe_serialization=True", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_base_model_is_refused_naming_it()
    {
        Write(_folder.Path("peft"), 4, 8, ["q_proj"], RandomLora(Gqa, 4, ["q_proj"], 1));

        var error = Assert.Throws<AdapterImportException>(() => PeftAdapterImporter.Import(_folder.Path("peft"), _folder.Path("nowhere.gguf"), _folder.Path("out.gguf")));

        Assert.Equal(_folder.Path("nowhere.gguf"), error.FilePath);
    }

    [Theory]
    [InlineData("peft_type", "\"PREFIX_TUNING\"", "peft_type is PREFIX_TUNING")]
    [InlineData("fan_in_fan_out", "true", "fan_in_fan_out")]
    [InlineData("bias", "\"all\"", "bias is \"all\"")]
    [InlineData("use_dora", "true", "DoRA")]
    [InlineData("use_rslora", "true", "use_rslora")]
    [InlineData("modules_to_save", "[\"lm_head\"]", "modules_to_save")]
    [InlineData("rank_pattern", "{\"q_proj\": 8}", "rank_pattern")]
    [InlineData("target_modules", "\"all-linear\"", "target_modules must be a list")]
    [InlineData("target_modules", "[\"q_proj\", \"lm_head\"]", "'lm_head' is not supported")]
    [InlineData("r", "0", "\"r\"")]
    public void An_unsupported_config_is_refused_with_the_reason(string key, string json, string reason)
    {
        SyntheticLlama.Write(_folder.Path("base.gguf"), Gqa);
        Write(_folder.Path("peft"), 4, 8, ["q_proj"], RandomLora(Gqa, 4, ["q_proj"], 1), config => config[key] = System.Text.Json.Nodes.JsonNode.Parse(json));

        var error = Assert.Throws<AdapterImportException>(() => PeftAdapterImporter.Import(_folder.Path("peft"), _folder.Path("base.gguf"), _folder.Path("out.gguf")));

        Assert.Equal(PeftAdapterImporter.ConfigFileName, Path.GetFileName(error.FilePath));
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
        Assert.False(File.Exists(_folder.Path("out.gguf")));
    }

    [Fact]
    public void An_adapter_for_a_wider_model_is_refused_naming_the_tensor_and_both_shapes()
    {
        SyntheticLlama.Write(_folder.Path("base.gguf"), Gqa with { EmbeddingLength = 48, Heads = 6, KvHeads = 2 });
        Write(_folder.Path("peft"), 4, 8, ["v_proj"], RandomLora(Gqa, 4, ["v_proj"], 1));

        var error = Assert.Throws<AdapterImportException>(() => PeftAdapterImporter.Import(_folder.Path("peft"), _folder.Path("base.gguf"), _folder.Path("out.gguf")));

        Assert.Contains("adapter was made for another base model", error.Reason, StringComparison.Ordinal);
        Assert.Contains("layer 0 v_proj has lora_A [4, 32] and lora_B [16, 4]", error.Reason, StringComparison.Ordinal);
        Assert.Contains("blk.0.attn_v.weight (in 48, out 16)", error.Reason, StringComparison.Ordinal);
        Assert.False(File.Exists(_folder.Path("out.gguf")));
    }

    [Fact]
    public void An_adapter_for_a_deeper_model_is_refused_naming_the_layer_counts()
    {
        SyntheticLlama.Write(_folder.Path("base.gguf"), Gqa with { Layers = 1 });
        Write(_folder.Path("peft"), 4, 8, ["q_proj"], RandomLora(Gqa, 4, ["q_proj"], 1));

        var error = Assert.Throws<AdapterImportException>(() => PeftAdapterImporter.Import(_folder.Path("peft"), _folder.Path("base.gguf"), _folder.Path("out.gguf")));

        Assert.Contains("adapter was made for another base model", error.Reason, StringComparison.Ordinal);
        Assert.Contains("adapts layer 1, but", error.Reason, StringComparison.Ordinal);
        Assert.Contains("has 1 layers", error.Reason, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void The_real_adapter_is_refused_for_a_synthetic_base_of_another_shape()
    {
        var config = SharedModels.Find(Path.Combine("peft-stories260K", "adapter_config.json"));
        Skip.If(config is null, SharedModels.Missing);
        SyntheticLlama.Write(_folder.Path("base.gguf"), Gqa with { Layers = 5 });

        var error = Assert.Throws<AdapterImportException>(() => PeftAdapterImporter.Import(Path.GetDirectoryName(config)!, _folder.Path("base.gguf"), _folder.Path("out.gguf")));

        Assert.Contains("another base model: layer 0 q_proj has lora_A [16, 64] and lora_B [64, 16]", error.Reason, StringComparison.Ordinal);
        Assert.Contains("(in 32, out 32)", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lora_A_without_its_lora_B_is_refused()
    {
        SyntheticLlama.Write(_folder.Path("base.gguf"), Gqa);
        Write(_folder.Path("peft"), 4, 8, ["q_proj"], RandomLora(Gqa, 4, ["q_proj"], 1).Where(t => !t.Name.Contains("layers.1.self_attn.q_proj.lora_B", StringComparison.Ordinal)));

        var error = Assert.Throws<AdapterImportException>(() => PeftAdapterImporter.Import(_folder.Path("peft"), _folder.Path("base.gguf"), _folder.Path("out.gguf")));

        Assert.Equal("layer 1 q_proj has a lora_A but no lora_B", error.Reason);
    }

    [Fact]
    public void An_embedding_adapter_tensor_is_refused_naming_it()
    {
        SyntheticLlama.Write(_folder.Path("base.gguf"), Gqa);
        Write(_folder.Path("peft"), 4, 8, ["q_proj"],
            [.. RandomLora(Gqa, 4, ["q_proj"], 1), new Tensor("base_model.model.model.embed_tokens.lora_embedding_A", [4, 300], new float[1200])]);

        var error = Assert.Throws<AdapterImportException>(() => PeftAdapterImporter.Import(_folder.Path("peft"), _folder.Path("base.gguf"), _folder.Path("out.gguf")));

        Assert.Contains("'base_model.model.model.embed_tokens.lora_embedding_A'", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_safetensors_file_is_refused_and_nothing_is_written()
    {
        SyntheticLlama.Write(_folder.Path("base.gguf"), Gqa);
        Write(_folder.Path("peft"), 4, 8, ["q_proj"], RandomLora(Gqa, 4, ["q_proj"], 1));
        var weights = _folder.Path(Path.Combine("peft", PeftAdapterImporter.WeightsFileName));
        var bytes = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, bytes[..^100]);

        var error = Assert.Throws<SafetensorsFormatException>(() => PeftAdapterImporter.Import(_folder.Path("peft"), _folder.Path("base.gguf"), _folder.Path("out.gguf")));

        Assert.Equal(weights, error.FilePath);
        Assert.Contains("offsets out of range", error.Reason, StringComparison.Ordinal);
        Assert.False(File.Exists(_folder.Path("out.gguf")));
    }

    [Fact]
    public void Writing_over_the_base_model_is_refused()
    {
        SyntheticLlama.Write(_folder.Path("base.gguf"), Gqa);
        Write(_folder.Path("peft"), 4, 8, ["q_proj"], RandomLora(Gqa, 4, ["q_proj"], 1));
        var before = File.ReadAllBytes(_folder.Path("base.gguf"));

        var error = Assert.Throws<AdapterImportException>(() => PeftAdapterImporter.Import(_folder.Path("peft"), _folder.Path("base.gguf"), _folder.Path("base.gguf")));

        Assert.Contains("base model itself", error.Reason, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(_folder.Path("base.gguf")));
    }

    /// <summary>Random A and B for <paramref name="modules"/> in every layer, large enough to move the logits visibly.</summary>
    private static List<Tensor> RandomLora(SyntheticLlamaSpec spec, int rank, IReadOnlyList<string> modules, int seed)
    {
        var random = new Random(seed);
        var kv = spec.KvHeads * spec.HeadDimension;
        var tensors = new List<Tensor>();
        for (var layer = 0; layer < spec.Layers; layer++)
        {
            foreach (var module in modules)
            {
                var (inputs, outputs) = module switch
                {
                    "q_proj" or "o_proj" => (spec.EmbeddingLength, spec.EmbeddingLength),
                    "k_proj" or "v_proj" => (spec.EmbeddingLength, kv),
                    "gate_proj" or "up_proj" => (spec.EmbeddingLength, spec.FeedForwardLength),
                    _ => (spec.FeedForwardLength, spec.EmbeddingLength),
                };
                tensors.Add(new Tensor(LoraName(layer, module, 'A'), [rank, inputs], Uniform(random, rank * inputs, 0.3f)));
                tensors.Add(new Tensor(LoraName(layer, module, 'B'), [outputs, rank], Uniform(random, outputs * rank, 0.3f)));
            }
        }

        return tensors;
    }

    private static float[] Uniform(Random random, int count, float range) =>
        [.. Enumerable.Range(0, count).Select(_ => ((random.NextSingle() * 2) - 1) * range)];

    /// <summary>
    /// Writes <paramref name="basePath"/> with W + scale·B·A folded into each adapted weight, mapping Hugging Face rows of
    /// q and k to GGUF rows independently of the importer: GGUF row h·d + 2i + j holds Hugging Face row h·d + j·d/2 + i.
    /// </summary>
    private static void WriteMerged(string basePath, string mergedPath, IReadOnlyList<Tensor> lora, float scale)
    {
        var file = GgufFile.Read(basePath);
        var heads = (int)file.Metadata["llama.attention.head_count"].AsInt64();
        var kvHeads = (int)file.Metadata["llama.attention.head_count_kv"].AsInt64();
        var ggufNames = new Dictionary<string, string>
        {
            ["q_proj"] = "attn_q", ["k_proj"] = "attn_k", ["v_proj"] = "attn_v", ["o_proj"] = "attn_output",
            ["gate_proj"] = "ffn_gate", ["up_proj"] = "ffn_up", ["down_proj"] = "ffn_down",
        };
        var merged = new Dictionary<string, float[]>();
        foreach (var a in lora.Where(t => t.Name.EndsWith("lora_A.weight", StringComparison.Ordinal)))
        {
            var b = lora.Single(t => t.Name == a.Name.Replace("lora_A", "lora_B", StringComparison.Ordinal));
            var parts = a.Name.Split('.');
            var (layer, module) = (parts[4], parts[6]);
            var name = $"blk.{layer}.{ggufNames[module]}.weight";
            var weight = file.ReadTensorAsFloats(name);
            var (rank, inputs, outputs) = ((int)a.Shape[0], (int)a.Shape[1], (int)b.Shape[0]);
            var headCount = module switch { "q_proj" => heads, "k_proj" => kvHeads, _ => 0 };
            for (var row = 0; row < outputs; row++)
            {
                var source = row;
                if (headCount > 0)
                {
                    var d = outputs / headCount;
                    var (head, within) = (row / d, row % d);
                    source = (head * d) + ((within % 2) * (d / 2)) + (within / 2);
                }

                for (var column = 0; column < inputs; column++)
                {
                    var sum = 0f;
                    for (var k = 0; k < rank; k++)
                    {
                        sum += b.Values[(source * rank) + k] * a.Values[(k * inputs) + column];
                    }

                    weight[(row * inputs) + column] += scale * sum;
                }
            }

            merged[name] = weight;
        }

        var writer = new GgufWriter();
        foreach (var (key, value) in file.Metadata)
        {
            writer.SetMetadata(key, value);
        }

        foreach (var tensor in file.Tensors)
        {
            if (merged.TryGetValue(tensor.Name, out var values))
            {
                writer.AddTensor(tensor.Name, tensor.Shape, tensor.Type, values);
            }
            else
            {
                writer.AddTensor(tensor.Name, tensor.Shape, tensor.Type, (ReadOnlyMemory<byte>)file.ReadTensorBytes(tensor));
            }
        }

        writer.Write(mergedPath);
    }

    private static float[][] Matrix(JsonElement rows) =>
        [.. rows.EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetSingle()).ToArray())];
}
