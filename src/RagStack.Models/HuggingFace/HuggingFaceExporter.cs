using System.Globalization;
using System.Text.Json;
using RagStack.Models.Adapters;
using RagStack.Models.Gguf;
using RagStack.Models.Safetensors;

namespace RagStack.Models.HuggingFace;

/// <summary>
/// Exports a llama GGUF base model to the Hugging Face layout (<c>config.json</c> + <c>model.safetensors</c>), so PEFT can
/// train a LoRA on exactly the weights llama.cpp serves, and <see cref="PeftAdapterImporter"/> can bring the adapter back.
/// </summary>
public static class HuggingFaceExporter
{
    /// <summary>The model configuration <c>from_pretrained</c> reads.</summary>
    public const string ConfigFileName = "config.json";

    /// <summary>The weights file <c>from_pretrained</c> reads.</summary>
    public const string WeightsFileName = "model.safetensors";

    private static readonly HashSet<GgufTensorType> ReadableTypes = [GgufTensorType.F32, GgufTensorType.F16, GgufTensorType.BF16, GgufTensorType.Q8_0];

    /// <summary>
    /// GGUF tensor names inside <c>blk.N.</c> and their Hugging Face names inside <c>model.layers.N.</c>, in Hugging Face's
    /// order: each block's two norms around the projections <see cref="LlamaProjections"/> names.
    /// </summary>
    private static readonly (string Gguf, string HuggingFace, RotaryHeads Rotary)[] BlockTensors =
    [
        ("attn_norm", "input_layernorm", RotaryHeads.None),
        .. Projections("self_attn"),
        ("ffn_norm", "post_attention_layernorm", RotaryHeads.None),
        .. Projections("mlp"),
    ];

    /// <summary>
    /// Writes <paramref name="gguf"/>'s weights and shape to <paramref name="outputDirectory"/> (created if missing; each file is
    /// written through a temporary file). Weights become F32; the rows of q_proj and k_proj go back to Hugging Face's rotary order.
    /// </summary>
    /// <exception cref="GgufFormatException">The file is not a readable GGUF, not a llama model, lacks a tensor or setting the export needs, or holds a tensor type (k-quants, …) that cannot be read back as floats.</exception>
    /// <exception cref="FileNotFoundException">There is no such GGUF file.</exception>
    public static HuggingFaceExportResult Export(string gguf, string outputDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(gguf);
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        var file = GgufFile.Read(gguf);
        var shape = LlamaShape.Read(file);
        var (writer, parameters, tensors, tied) = Plan(file, shape);

        Directory.CreateDirectory(outputDirectory);
        var weightsPath = Path.Combine(outputDirectory, WeightsFileName);
        var configPath = Path.Combine(outputDirectory, ConfigFileName);
        writer.Write(weightsPath);
        WriteConfig(configPath, shape, tied);
        return new HuggingFaceExportResult(outputDirectory, configPath, weightsPath, parameters, tensors, tied);
    }

    private static (SafetensorsWriter Writer, long Parameters, int Tensors, bool Tied) Plan(GgufFile file, LlamaShape shape)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        var writer = new SafetensorsWriter();
        var parameters = 0L;

        void Add(string ggufName, string huggingFaceName, int rotaryHeads = 0)
        {
            var tensor = Require(file, ggufName);
            used.Add(ggufName);
            parameters += tensor.ElementCount;

            // ggml lists the row length first: [ne0 = in, ne1 = out] is PyTorch's [out, in] with the same bytes.
            long[] pytorchShape = [.. tensor.Shape.Reverse()];
            writer.AddF32(huggingFaceName, pytorchShape, rotaryHeads == 0
                ? () => file.ReadTensorAsFloats(ggufName)
                : () => RotaryRowOrder.GgufToHuggingFace(file.ReadTensorAsFloats(ggufName), (int)tensor.Shape[1], (int)tensor.Shape[0], rotaryHeads));
        }

        Add("token_embd.weight", "model.embed_tokens.weight");
        for (var layer = 0; layer < shape.Layers; layer++)
        {
            var n = layer.ToString(CultureInfo.InvariantCulture);
            foreach (var (gguf, huggingFace, rotary) in BlockTensors)
            {
                var heads = rotary switch { RotaryHeads.Query => shape.Heads, RotaryHeads.Key => shape.KvHeads, _ => 0 };
                if (heads > 0)
                {
                    RequireRows(file, $"blk.{n}.{gguf}.weight", heads * shape.HeadDimension);
                }

                Add($"blk.{n}.{gguf}.weight", $"model.layers.{n}.{huggingFace}.weight", heads);
            }
        }

        Add("output_norm.weight", "model.norm.weight");
        var tied = !file.TryGetTensor("output.weight", out _);
        if (!tied)
        {
            Add("output.weight", "lm_head.weight");
        }

        var left = file.Tensors.FirstOrDefault(t => !used.Contains(t.Name));
        if (left is not null)
        {
            throw new GgufFormatException(file.Path, left.Name == "rope_freqs.weight"
                ? "it scales rotary frequencies with rope_freqs.weight (Llama 3.1-style rope scaling), which this export cannot express in config.json yet"
                : $"tensor '{left.Name}' has no place in a Hugging Face LlamaForCausalLM (biases and extra tensors are not supported)");
        }

        return (writer, parameters, used.Count, tied);
    }

    private static IEnumerable<(string, string, RotaryHeads)> Projections(string block) =>
        LlamaProjections.All.Where(p => p.Block == block).Select(p => (p.GgufName, $"{block}.{p.PeftName}", p.Rotary));

    private static GgufTensorInfo Require(GgufFile file, string name)
    {
        if (!file.TryGetTensor(name, out var tensor))
        {
            throw new GgufFormatException(file.Path, $"it has no tensor '{name}', which every llama model has");
        }

        if (!ReadableTypes.Contains(tensor.Type))
        {
            throw new GgufFormatException(file.Path, $"tensor '{name}' is {tensor.Type}; only F32, F16, BF16 and Q8_0 tensors can be exported (export the F16 or F32 model it was quantized from)");
        }

        return tensor;
    }

    private static void RequireRows(GgufFile file, string name, long rows)
    {
        var tensor = Require(file, name);
        if (tensor.Shape.Count != 2 || tensor.Shape[1] != rows)
        {
            throw new GgufFormatException(file.Path, $"tensor '{name}' has shape [{string.Join(", ", tensor.Shape)}], but the head counts and head size need {rows} rows");
        }
    }

    private static void WriteConfig(string path, LlamaShape shape, bool tied) => AtomicFile.Write(path, stream =>
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteStartArray("architectures");
        json.WriteStringValue("LlamaForCausalLM");
        json.WriteEndArray();
        json.WriteString("model_type", "llama");
        json.WriteNumber("hidden_size", shape.EmbeddingLength);
        json.WriteNumber("intermediate_size", shape.FeedForwardLength);
        json.WriteNumber("num_hidden_layers", shape.Layers);
        json.WriteNumber("num_attention_heads", shape.Heads);
        json.WriteNumber("num_key_value_heads", shape.KvHeads);
        json.WriteNumber("head_dim", shape.HeadDimension);
        json.WriteNumber("rms_norm_eps", shape.RmsNormEpsilon);
        json.WriteNumber("rope_theta", shape.RopeTheta);
        json.WriteNull("rope_scaling");
        json.WriteNumber("max_position_embeddings", shape.ContextLength);
        json.WriteNumber("vocab_size", shape.VocabularySize);
        json.WriteBoolean("tie_word_embeddings", tied);
        if (shape.BosTokenId is { } bos)
        {
            json.WriteNumber("bos_token_id", bos);
        }

        if (shape.EosTokenId is { } eos)
        {
            json.WriteNumber("eos_token_id", eos);
        }

        json.WriteString("hidden_act", "silu");
        json.WriteBoolean("attention_bias", false);
        json.WriteBoolean("mlp_bias", false);
        json.WriteString("torch_dtype", "float32");
        json.WriteEndObject();
    });

    /// <summary>The llama hyperparameters config.json needs, read from GGUF metadata with llama.cpp's defaults where it has them.</summary>
    private sealed record LlamaShape(
        int EmbeddingLength, int FeedForwardLength, int Layers, int Heads, int KvHeads, int HeadDimension,
        double RmsNormEpsilon, double RopeTheta, long ContextLength, long VocabularySize, long? BosTokenId, long? EosTokenId)
    {
        public static LlamaShape Read(GgufFile file)
        {
            var metadata = file.Metadata;
            var architecture = metadata.TryGetValue("general.architecture", out var arch) && arch.Value is string s
                ? s
                : throw new GgufFormatException(file.Path, "it has no general.architecture");

            // The q/k row order and the tensor names are the llama converter's; other architectures lay them out differently.
            if (architecture != "llama")
            {
                throw new GgufFormatException(file.Path, $"its architecture is '{architecture}'; only llama models can be exported to Hugging Face for now");
            }

            if (Optional("llama.expert_count") is > 0)
            {
                throw new GgufFormatException(file.Path, "it is a mixture-of-experts model; only dense llama models can be exported");
            }

            var embedding = (int)Required("llama.embedding_length");
            var heads = (int)Required("llama.attention.head_count");
            var kvHeads = (int)(Optional("llama.attention.head_count_kv") ?? heads);
            var headDimension = (int)(Optional("llama.attention.key_length") ?? (heads > 0 ? embedding / heads : 0));
            if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0 || headDimension <= 0 || headDimension % 2 != 0)
            {
                throw new GgufFormatException(file.Path, $"its attention shape ({heads} heads, {kvHeads} KV heads of {headDimension}) is not one LlamaForCausalLM can hold");
            }

            if (Optional("llama.rope.dimension_count") is { } rotary && rotary != headDimension)
            {
                throw new GgufFormatException(file.Path, $"it rotates {rotary} of each head's {headDimension} dimensions; LlamaForCausalLM rotates them all");
            }

            var embeddings = file.TryGetTensor("token_embd.weight", out var tokenEmbedding) && tokenEmbedding.Shape.Count == 2
                ? tokenEmbedding.Shape[1]
                : throw new GgufFormatException(file.Path, "it has no 2-dimensional tensor 'token_embd.weight', which every llama model has");

            return new LlamaShape(
                embedding,
                (int)Required("llama.feed_forward_length"),
                (int)Required("llama.block_count"),
                heads,
                kvHeads,
                headDimension,
                Real("llama.attention.layer_norm_rms_epsilon") ?? throw Missing("llama.attention.layer_norm_rms_epsilon"),
                Real("llama.rope.freq_base") ?? 10000,
                Required("llama.context_length"),
                embeddings,
                Optional("tokenizer.ggml.bos_token_id"),
                Optional("tokenizer.ggml.eos_token_id"));

            GgufFormatException Missing(string key) => new(file.Path, $"it has no {key}, which config.json needs");

            long Required(string key) => Optional(key) ?? throw Missing(key);

            long? Optional(string key) => metadata.TryGetValue(key, out var value)
                ? value.Value switch
                {
                    string or Array or float or double or bool => throw new GgufFormatException(file.Path, $"{key} is {value.Type}, not a whole number"),
                    _ => value.AsInt64(),
                }
                : null;

            // GGUF stores these as float32; going through the shortest float text keeps 1e-5 from becoming 9.99999974737875E-06.
            double? Real(string key) => metadata.TryGetValue(key, out var value)
                ? value.Value switch
                {
                    float f => double.Parse(f.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
                    double d => d,
                    string or Array or bool => throw new GgufFormatException(file.Path, $"{key} is {value.Type}, not a number"),
                    _ => value.AsInt64(),
                }
                : null;
        }
    }
}
