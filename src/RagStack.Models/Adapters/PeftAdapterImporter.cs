using System.Globalization;
using System.Text.RegularExpressions;
using RagStack.Models.Gguf;
using RagStack.Models.Safetensors;

namespace RagStack.Models.Adapters;

/// <summary>Converts a Hugging Face PEFT LoRA adapter (<c>adapter_config.json</c> + <c>adapter_model.safetensors</c>) into the GGUF LoRA file llama.cpp loads beside its base model.</summary>
public static partial class PeftAdapterImporter
{
    /// <summary>The adapter configuration file PEFT's <c>save_pretrained</c> writes.</summary>
    public const string ConfigFileName = "adapter_config.json";

    /// <summary>The adapter weights file PEFT's <c>save_pretrained</c> writes (with the default <c>safe_serialization=True</c>).</summary>
    public const string WeightsFileName = "adapter_model.safetensors";

    /// <summary>
    /// Reads the PEFT adapter in <paramref name="peftDirectory"/>, checks it against <paramref name="baseModelGguf"/>, and writes
    /// the GGUF LoRA to <paramref name="outputGguf"/> (through a temporary file, so a failure leaves no partial output).
    /// </summary>
    /// <exception cref="AdapterImportException">A file is missing, the adapter uses an unsupported PEFT option, or it was made for another base model.</exception>
    /// <exception cref="SafetensorsFormatException">The adapter weights are not a readable safetensors file.</exception>
    /// <exception cref="GgufFormatException">The base model is not a readable GGUF file.</exception>
    public static PeftImportResult Import(string peftDirectory, string baseModelGguf, string outputGguf)
    {
        ArgumentException.ThrowIfNullOrEmpty(peftDirectory);
        ArgumentException.ThrowIfNullOrEmpty(baseModelGguf);
        ArgumentException.ThrowIfNullOrEmpty(outputGguf);

        var configPath = Path.Combine(peftDirectory, ConfigFileName);
        var weightsPath = Path.Combine(peftDirectory, WeightsFileName);
        RequireFile(configPath, "missing: a PEFT adapter folder holds adapter_config.json, written by save_pretrained");
        RequireFile(weightsPath, File.Exists(Path.Combine(peftDirectory, "adapter_model.bin"))
            ? "missing: only adapter_model.bin is there; re-save the adapter with save_pretrained(..., safe_serialization=True)"
            : "missing: a PEFT adapter folder holds adapter_model.safetensors, written by save_pretrained");
        RequireFile(baseModelGguf, "missing: the base model GGUF file does not exist");
        if (string.Equals(Path.GetFullPath(baseModelGguf), Path.GetFullPath(outputGguf), StringComparison.Ordinal))
        {
            throw new AdapterImportException(outputGguf, "the output path is the base model itself; choose another output file");
        }

        var config = PeftLoraConfig.Read(configPath);
        var baseModel = BaseModel.Read(baseModelGguf);
        var weights = SafetensorsFile.Read(weightsPath);
        var pairs = Pair(weightsPath, weights, baseModel);

        var lora = new List<LoraWeights>(pairs.Count);
        foreach (var pair in pairs)
        {
            var a = weights.ReadTensorAsFloats(pair.A);
            var b = weights.ReadTensorAsFloats(pair.B);
            var (rank, inputs) = ((int)pair.A.Shape[0], (int)pair.A.Shape[1]);
            var outputs = (int)pair.B.Shape[0];
            if (rank != config.Rank)
            {
                throw new AdapterImportException(weightsPath, $"tensor '{pair.A.Name}' has rank {rank}, but adapter_config.json says r = {config.Rank}");
            }

            var heads = pair.Projection.Rotary switch
            {
                RotaryHeads.Query => baseModel.Heads,
                RotaryHeads.Key => baseModel.KvHeads,
                _ => 0,
            };
            if (heads > 0)
            {
                b = RotaryRowOrder.HuggingFaceToGguf(b, outputs, rank, heads);
            }

            lora.Add(new LoraWeights(pair.Layer, pair.Projection.PeftName, rank, inputs, outputs, a, b));
        }

        LoraAdapterFile.Write(outputGguf, baseModel.Architecture, new DirectoryInfo(Path.GetFullPath(peftDirectory)).Name, config.Alpha, lora);
        return new PeftImportResult(
            outputGguf,
            config.Rank,
            config.Alpha,
            [.. LlamaProjections.All.Where(p => pairs.Any(pair => pair.Projection == p)).Select(p => p.PeftName)],
            pairs.Count * 2,
            [.. pairs.Select(p => p.Layer).Distinct()]);
    }

    /// <summary>Matches every lora_A with its lora_B and checks both against the base weight they adapt, in llama.cpp's tensor order.</summary>
    private static List<LoraPair> Pair(string weightsPath, SafetensorsFile weights, BaseModel baseModel)
    {
        if (weights.Tensors.Count == 0)
        {
            throw new AdapterImportException(weightsPath, "holds no tensors");
        }

        var halves = new Dictionary<(int Layer, LlamaProjection Projection), (SafetensorsTensor? A, SafetensorsTensor? B)>();
        foreach (var tensor in weights.Tensors)
        {
            var match = PeftTensorName().Match(tensor.Name);
            if (!match.Success)
            {
                throw new AdapterImportException(weightsPath, $"tensor '{tensor.Name}' is not the lora_A or lora_B weight of a llama attention or MLP projection; embedding, lm_head and bias adapters are not supported");
            }

            var layer = int.Parse(match.Groups["layer"].Value, CultureInfo.InvariantCulture);
            var projection = LlamaProjections.ByPeftName(match.Groups["module"].Value);
            if (match.Groups["block"].Value != projection.Block)
            {
                throw new AdapterImportException(weightsPath, $"tensor '{tensor.Name}': {projection.PeftName} belongs in {projection.Block}, not {match.Groups["block"].Value}");
            }

            if (layer >= baseModel.Layers)
            {
                throw new AdapterImportException(weightsPath, $"adapter was made for another base model: tensor '{tensor.Name}' adapts layer {layer}, but {baseModel.Path} has {baseModel.Layers} layers");
            }

            if (tensor.Shape.Count != 2)
            {
                throw new AdapterImportException(weightsPath, $"tensor '{tensor.Name}' has shape [{string.Join(", ", tensor.Shape)}]; LoRA weights are matrices");
            }

            halves.TryGetValue((layer, projection), out var pair);
            halves[(layer, projection)] = match.Groups["half"].Value == "A" ? pair with { A = tensor } : pair with { B = tensor };
        }

        var pairs = new List<LoraPair>();
        foreach (var ((layer, projection), (a, b)) in halves.OrderBy(h => h.Key.Layer).ThenBy(h => LlamaProjections.IndexOf(h.Key.Projection.PeftName)))
        {
            if (a is null || b is null)
            {
                throw new AdapterImportException(weightsPath, $"layer {layer} {projection.PeftName} has a lora_{(a is null ? "B" : "A")} but no lora_{(a is null ? "A" : "B")}");
            }

            CheckShapes(weightsPath, baseModel, layer, projection, a, b);
            pairs.Add(new LoraPair(layer, projection, a, b));
        }

        return pairs;
    }

    private static void CheckShapes(string weightsPath, BaseModel baseModel, int layer, LlamaProjection projection, SafetensorsTensor a, SafetensorsTensor b)
    {
        var baseName = $"blk.{layer.ToString(CultureInfo.InvariantCulture)}.{projection.GgufName}.weight";
        if (!baseModel.File.TryGetTensor(baseName, out var baseWeight) || baseWeight.Shape.Count != 2)
        {
            throw new AdapterImportException(weightsPath, $"adapter was made for another base model: {baseModel.Path} has no matrix '{baseName}' for '{a.Name}' to adapt");
        }

        // The base weight is ggml [ne0 = in, ne1 = out]; PEFT's A is [r, in] and B is [out, r].
        var (inputs, outputs) = (baseWeight.Shape[0], baseWeight.Shape[1]);
        var expected = $"lora_A [r, {inputs}] and lora_B [{outputs}, r] to match {baseName} (in {inputs}, out {outputs})";
        if (a.Shape[1] != inputs || b.Shape[0] != outputs)
        {
            throw new AdapterImportException(weightsPath, $"adapter was made for another base model: layer {layer} {projection.PeftName} has lora_A [{a.Shape[0]}, {a.Shape[1]}] and lora_B [{b.Shape[0]}, {b.Shape[1]}], but {baseModel.Path} needs {expected}");
        }

        if (a.Shape[0] != b.Shape[1])
        {
            throw new AdapterImportException(weightsPath, $"layer {layer} {projection.PeftName}: lora_A has rank {a.Shape[0]} but lora_B has rank {b.Shape[1]}");
        }
    }

    private static void RequireFile(string path, string reason)
    {
        if (!File.Exists(path))
        {
            throw new AdapterImportException(path, reason);
        }
    }

    [GeneratedRegex(@"^base_model\.model\.model\.layers\.(?<layer>[0-9]+)\.(?<block>self_attn|mlp)\.(?<module>[qkvo]_proj|gate_proj|up_proj|down_proj)\.lora_(?<half>[AB])\.weight$", RegexOptions.CultureInvariant)]
    private static partial Regex PeftTensorName();

    private sealed record LoraPair(int Layer, LlamaProjection Projection, SafetensorsTensor A, SafetensorsTensor B);

    /// <summary>What the importer needs from the base model: its architecture, depth and attention head counts.</summary>
    private sealed record BaseModel(string Path, GgufFile File, string Architecture, int Layers, int Heads, int KvHeads)
    {
        public static BaseModel Read(string path)
        {
            var file = GgufFile.Read(path);
            var architecture = file.Metadata.TryGetValue("general.architecture", out var arch) && arch.Value is string s
                ? s
                : throw new AdapterImportException(path, "the base model has no general.architecture");

            // The q/k row reordering is the llama converter's; other architectures order (or do not reorder) those rows differently.
            if (architecture != "llama")
            {
                throw new AdapterImportException(path, $"the base model's architecture is '{architecture}'; only llama base models are supported for now");
            }

            long Number(string key) => file.Metadata.TryGetValue(key, out var value) && value.Value is not string and not Array
                ? value.AsInt64()
                : throw new AdapterImportException(path, $"the base model has no {key}");

            var heads = (int)Number("llama.attention.head_count");
            var kvHeads = file.Metadata.ContainsKey("llama.attention.head_count_kv") ? (int)Number("llama.attention.head_count_kv") : heads;
            return new BaseModel(path, file, architecture, (int)Number("llama.block_count"), heads, kvHeads);
        }
    }
}
