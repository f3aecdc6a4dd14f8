using System.Globalization;
using System.Text.Json;
using RagStack.Models.Adapters;
using RagStack.Models.Gguf;
using RagStack.Models.Safetensors;

namespace RagStack.Models.HuggingFace;

/// <summary>
/// Converts a whole Hugging Face <c>LlamaForCausalLM</c> folder (<c>config.json</c> + <c>model.safetensors</c>) to a GGUF
/// model llama.cpp loads: the inverse of <see cref="HuggingFaceExporter"/>. Tensor names are mapped, shapes reversed, the
/// rows of q_proj and k_proj interleaved per head (GGUF's rotary order), and the tokenizer copied from a vocabulary GGUF,
/// since a Hugging Face folder's tokenizer files are not what llama.cpp reads.
/// </summary>
public static class HuggingFaceImporter
{
    /// <summary>Hugging Face names inside <c>model.layers.N.</c> and GGUF names inside <c>blk.N.</c>, in llama.cpp's order.</summary>
    private static readonly (string HuggingFace, string Gguf, RotaryHeads Rotary)[] BlockTensors =
    [
        ("input_layernorm", "attn_norm", RotaryHeads.None),
        .. Projections("self_attn"),
        ("post_attention_layernorm", "ffn_norm", RotaryHeads.None),
        .. Projections("mlp"),
    ];

    /// <summary>
    /// Writes <paramref name="huggingFaceDirectory"/>'s model to <paramref name="outputGguf"/> (through a temporary file) with
    /// its weight matrices as <paramref name="weightType"/> (F32, F16 or BF16; norms stay F32) and the tokenizer of
    /// <paramref name="vocabularyGguf"/>.
    /// </summary>
    /// <exception cref="HuggingFaceFormatException">config.json is missing, unreadable or describes something other than a dense llama; a tensor is missing, extra, or of the wrong shape or dtype; or the vocabulary does not match.</exception>
    /// <exception cref="GgufFormatException">The vocabulary file is not a readable GGUF with a tokenizer.</exception>
    public static HuggingFaceImportResult Import(string huggingFaceDirectory, string vocabularyGguf, string outputGguf, GgufTensorType weightType = GgufTensorType.F32, string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(huggingFaceDirectory);
        ArgumentException.ThrowIfNullOrEmpty(vocabularyGguf);
        ArgumentException.ThrowIfNullOrEmpty(outputGguf);
        if (GgufFloats.ElementBytes(weightType) == 0)
        {
            throw new ArgumentException($"Weights can be written as F32, F16 or BF16, not {weightType} (quantize the result with 'ragstack models quantize').", nameof(weightType));
        }

        var configPath = Path.Combine(huggingFaceDirectory, HuggingFaceExporter.ConfigFileName);
        var weightsPath = Path.Combine(huggingFaceDirectory, HuggingFaceExporter.WeightsFileName);
        var config = LlamaConfig.Read(configPath);
        if (!File.Exists(weightsPath))
        {
            throw new HuggingFaceFormatException(weightsPath, File.Exists(weightsPath + ".index.json") || File.Exists(Path.Combine(huggingFaceDirectory, "model.safetensors.index.json"))
                ? "the weights are sharded (model.safetensors.index.json); only a single model.safetensors can be imported"
                : "no such file (save the model with safetensors: save_pretrained(..., safe_serialization=True))");
        }

        SafetensorsFile weights;
        try
        {
            weights = SafetensorsFile.Read(weightsPath);
        }
        catch (SafetensorsFormatException e)
        {
            throw new HuggingFaceFormatException(weightsPath, e.Reason);
        }

        var writer = new GgufWriter()
            .SetMetadata("general.architecture", GgufValue.Of("llama"))
            .SetMetadata("general.name", GgufValue.Of(name ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(huggingFaceDirectory)))))
            .SetMetadata("general.file_type", GgufValue.Of(LlamaFileTypes.For(weightType)))
            .SetMetadata("llama.context_length", GgufValue.Of((uint)config.ContextLength))
            .SetMetadata("llama.embedding_length", GgufValue.Of((uint)config.Hidden))
            .SetMetadata("llama.block_count", GgufValue.Of((uint)config.Layers))
            .SetMetadata("llama.feed_forward_length", GgufValue.Of((uint)config.FeedForward))
            .SetMetadata("llama.attention.head_count", GgufValue.Of((uint)config.Heads))
            .SetMetadata("llama.attention.head_count_kv", GgufValue.Of((uint)config.KvHeads))
            .SetMetadata("llama.rope.dimension_count", GgufValue.Of((uint)config.HeadDimension))
            .SetMetadata("llama.rope.freq_base", GgufValue.Of((float)config.RopeTheta))
            .SetMetadata("llama.attention.layer_norm_rms_epsilon", GgufValue.Of((float)config.RmsNormEpsilon));
        if (config.HeadDimension * config.Heads != config.Hidden)
        {
            writer.SetMetadata("llama.attention.key_length", GgufValue.Of((uint)config.HeadDimension))
                .SetMetadata("llama.attention.value_length", GgufValue.Of((uint)config.HeadDimension));
        }

        var vocabularySize = GgufVocabulary.Copy(writer, vocabularyGguf);
        if (vocabularySize != config.VocabularySize)
        {
            throw new HuggingFaceFormatException(configPath, $"vocab_size is {config.VocabularySize}, but {vocabularyGguf} has {vocabularySize} tokens");
        }

        writer.SetMetadata("llama.vocab_size", GgufValue.Of((uint)vocabularySize));

        var used = new HashSet<string>(StringComparer.Ordinal);
        var parameters = 0L;
        var tensors = 0;
        var headDims = config.HeadDimension;
        void Add(string huggingFaceName, string ggufName, long[] shape, RotaryHeads rotary = RotaryHeads.None)
        {
            if (!weights.TryGetTensor(huggingFaceName, out var tensor))
            {
                throw new HuggingFaceFormatException(weightsPath, $"it has no tensor '{huggingFaceName}', which this config needs");
            }

            if (!tensor.Shape.SequenceEqual(shape))
            {
                throw new HuggingFaceFormatException(weightsPath, $"tensor '{huggingFaceName}' has shape [{string.Join(", ", tensor.Shape)}]; config.json needs [{string.Join(", ", shape)}]");
            }

            if (tensor.DType is not ("F32" or "F16" or "BF16"))
            {
                throw new HuggingFaceFormatException(weightsPath, $"tensor '{huggingFaceName}' is {tensor.DType}; only F32, F16 and BF16 weights can be imported");
            }

            used.Add(huggingFaceName);
            tensors++;
            parameters += shape.Aggregate(1L, (a, b) => a * b);
            var heads = rotary switch { RotaryHeads.Query => config.Heads, RotaryHeads.Key => config.KvHeads, _ => 0 };
            var type = shape.Length == 1 ? GgufTensorType.F32 : weightType;

            // PyTorch's [out, in] is ggml's [ne0 = in, ne1 = out] with the same bytes.
            writer.AddTensor(ggufName, [.. shape.Reverse()], type, stream =>
            {
                var values = weights.ReadTensorAsFloats(tensor);
                if (heads > 0)
                {
                    values = RotaryRowOrder.HuggingFaceToGguf(values, (int)shape[0], (int)shape[1], heads);
                }

                var bytes = new byte[values.LongLength * GgufFloats.ElementBytes(type)];
                GgufFloats.Encode(values, type, bytes);
                stream.Write(bytes);
            });
        }

        var (hidden, ff, kv) = ((long)config.Hidden, (long)config.FeedForward, (long)config.KvHeads * headDims);
        var q = (long)config.Heads * headDims;
        Add("model.embed_tokens.weight", "token_embd.weight", [config.VocabularySize, hidden]);
        for (var layer = 0; layer < config.Layers; layer++)
        {
            var n = layer.ToString(CultureInfo.InvariantCulture);
            foreach (var (huggingFace, gguf, rotary) in BlockTensors)
            {
                long[] shape = huggingFace switch
                {
                    "input_layernorm" or "post_attention_layernorm" => [hidden],
                    "self_attn.q_proj" => [q, hidden],
                    "self_attn.k_proj" or "self_attn.v_proj" => [kv, hidden],
                    "self_attn.o_proj" => [hidden, q],
                    "mlp.gate_proj" or "mlp.up_proj" => [ff, hidden],
                    "mlp.down_proj" => [hidden, ff],
                    _ => throw new InvalidOperationException($"No shape for {huggingFace}."),
                };
                Add($"model.layers.{n}.{huggingFace}.weight", $"blk.{n}.{gguf}.weight", shape, rotary);
            }
        }

        Add("model.norm.weight", "output_norm.weight", [hidden]);
        var hasHead = weights.TryGetTensor("lm_head.weight", out _);
        if (!config.Tied || hasHead)
        {
            // A tied model may still carry lm_head.weight (transformers saves it unless told not to): it is the embedding then,
            // and llama.cpp ties when output.weight is absent, so it is written only for an untied model.
            if (!config.Tied)
            {
                Add("lm_head.weight", "output.weight", [config.VocabularySize, hidden]);
            }
            else
            {
                used.Add("lm_head.weight");
            }
        }

        var left = weights.Tensors.FirstOrDefault(t => !used.Contains(t.Name) && !t.Name.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal));
        if (left is not null)
        {
            throw new HuggingFaceFormatException(weightsPath, $"tensor '{left.Name}' has no place in a llama GGUF (biases and extra tensors are not supported)");
        }

        writer.Write(outputGguf);
        return new HuggingFaceImportResult(outputGguf, parameters, tensors, config.Tied, vocabularySize);
    }

    private static IEnumerable<(string, string, RotaryHeads)> Projections(string block) =>
        LlamaProjections.All.Where(p => p.Block == block).Select(p => ($"{block}.{p.PeftName}", p.GgufName, p.Rotary));

    /// <summary>The hyperparameters of a <c>LlamaForCausalLM</c> config.json, with transformers' defaults where it has them.</summary>
    private sealed record LlamaConfig(
        int Hidden, int FeedForward, int Layers, int Heads, int KvHeads, int HeadDimension, double RmsNormEpsilon,
        double RopeTheta, long ContextLength, int VocabularySize, bool Tied)
    {
        public static LlamaConfig Read(string path)
        {
            if (!File.Exists(path))
            {
                throw new HuggingFaceFormatException(path, "no such file (a Hugging Face model folder has config.json beside model.safetensors)");
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(File.ReadAllBytes(path));
            }
            catch (JsonException e)
            {
                throw new HuggingFaceFormatException(path, $"not valid JSON ({e.Message})");
            }

            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw new HuggingFaceFormatException(path, "not a JSON object");
                }

                var modelType = String("model_type");
                if (modelType != "llama")
                {
                    throw new HuggingFaceFormatException(path, $"model_type is '{modelType ?? "(missing)"}'; only llama models (LlamaForCausalLM) can be imported");
                }

                if (Bool("attention_bias") == true || Bool("mlp_bias") == true)
                {
                    throw new HuggingFaceFormatException(path, "the model has biases (attention_bias or mlp_bias), which a llama GGUF does not hold");
                }

                if (String("hidden_act") is { } act && act != "silu")
                {
                    throw new HuggingFaceFormatException(path, $"hidden_act is '{act}'; llama.cpp's llama runs silu");
                }

                var scaling = root.TryGetProperty("rope_scaling", out var s) && s.ValueKind == JsonValueKind.Object ? s
                    : root.TryGetProperty("rope_parameters", out var p) && p.ValueKind == JsonValueKind.Object ? p
                    : default;
                if (scaling.ValueKind == JsonValueKind.Object && scaling.TryGetProperty("rope_type", out var ropeType) && ropeType.GetString() is { } type && type != "default")
                {
                    throw new HuggingFaceFormatException(path, $"it scales rotary embeddings ('{type}'), which this import does not write yet");
                }

                var hidden = Int("hidden_size") ?? throw Missing("hidden_size");
                var heads = Int("num_attention_heads") ?? throw Missing("num_attention_heads");
                var kvHeads = Int("num_key_value_heads") ?? heads;
                var headDimension = Int("head_dim") ?? (heads > 0 ? hidden / heads : 0);
                if (hidden <= 0 || heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0 || headDimension <= 0 || headDimension % 2 != 0)
                {
                    throw new HuggingFaceFormatException(path, $"its attention shape ({heads} heads, {kvHeads} KV heads of {headDimension}, hidden size {hidden}) is not one a llama GGUF can hold");
                }

                var theta = Real("rope_theta")
                    ?? (scaling.ValueKind == JsonValueKind.Object && scaling.TryGetProperty("rope_theta", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetDouble() : 10000.0);
                return new LlamaConfig(
                    hidden,
                    Int("intermediate_size") ?? throw Missing("intermediate_size"),
                    Int("num_hidden_layers") ?? throw Missing("num_hidden_layers"),
                    heads,
                    kvHeads,
                    headDimension,
                    Real("rms_norm_eps") ?? 1e-6,
                    theta,
                    Int("max_position_embeddings") ?? 2048,
                    Int("vocab_size") ?? throw Missing("vocab_size"),
                    Bool("tie_word_embeddings") ?? false);

                HuggingFaceFormatException Missing(string key) => new(path, $"it has no {key}, which the GGUF needs");

                string? String(string key) => root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

                bool? Bool(string key) => root.TryGetProperty(key, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

                double? Real(string key) => root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

                int? Int(string key) => root.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null
                    ? v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : throw new HuggingFaceFormatException(path, $"{key} is {v.GetRawText()}, not a whole number")
                    : null;
            }
        }
    }
}
