using System.Text.Json;

namespace RagStack.Models.Adapters;

/// <summary>The parts of a PEFT <c>adapter_config.json</c> that decide whether and how a LoRA converts to llama.cpp's format.</summary>
internal sealed record PeftLoraConfig(int Rank, float Alpha, IReadOnlyList<string> TargetModules)
{
    /// <summary>Reads and validates <paramref name="path"/>, refusing every PEFT option whose effect llama.cpp's plain LoRA cannot reproduce.</summary>
    /// <exception cref="AdapterImportException">The file is not valid JSON, misses a required field, or asks for something unsupported.</exception>
    public static PeftLoraConfig Read(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new AdapterImportException(path, $"not valid JSON ({e.Message})", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new AdapterImportException(path, "not a JSON object");
            }

            var peftType = String(root, "peft_type");
            if (peftType != "LORA")
            {
                throw new AdapterImportException(path, $"peft_type is {peftType ?? "missing"}; only LORA adapters can be converted for llama.cpp");
            }

            var rank = root.TryGetProperty("r", out var r) && r.TryGetInt32(out var rankValue) && rankValue > 0
                ? rankValue
                : throw new AdapterImportException(path, "\"r\" (the LoRA rank) must be a positive integer");
            var alpha = root.TryGetProperty("lora_alpha", out var a) && a.ValueKind == JsonValueKind.Number && a.GetDouble() is > 0 and var alphaValue
                ? (float)alphaValue
                : throw new AdapterImportException(path, "\"lora_alpha\" must be a positive number");

            // Each of these changes what the adapter computes in a way llama.cpp's W·x + scale·B·A·x has no place for;
            // converting anyway would load fine and silently give other outputs than the trained adapter.
            Refuse(path, IsTrue(root, "fan_in_fan_out"), "fan_in_fan_out is true (Conv1D-style weights, as in GPT-2); only Linear layers are supported");
            Refuse(path, String(root, "bias") is { } bias && bias != "none", $"bias is \"{String(root, "bias")}\"; adapters that train biases are not supported (use bias=\"none\")");
            Refuse(path, IsTrue(root, "lora_bias"), "lora_bias is true; LoRA biases are not supported");
            Refuse(path, IsTrue(root, "use_dora"), "use_dora is true; DoRA adapters are not supported");
            Refuse(path, IsTrue(root, "use_rslora"), "use_rslora is true; rank-stabilised scaling is not supported yet");
            Refuse(path, IsNonEmpty(root, "rank_pattern") || IsNonEmpty(root, "alpha_pattern"), "rank_pattern or alpha_pattern is set; adapters with per-module ranks are not supported");
            Refuse(path, IsNonEmpty(root, "modules_to_save"), "modules_to_save is set; adapters that also replace whole modules (e.g. lm_head) are not supported");

            return new PeftLoraConfig(rank, alpha, TargetModulesOf(path, root));
        }
    }

    private static List<string> TargetModulesOf(string path, JsonElement root)
    {
        if (!root.TryGetProperty("target_modules", out var targets) || targets.ValueKind != JsonValueKind.Array)
        {
            throw new AdapterImportException(path, "target_modules must be a list of module names (a regular expression or \"all-linear\" is not supported yet)");
        }

        var modules = new List<string>();
        foreach (var target in targets.EnumerateArray())
        {
            var name = target.ValueKind == JsonValueKind.String ? target.GetString()! : throw new AdapterImportException(path, "target_modules must hold strings");
            if (!LlamaProjections.IsKnown(name))
            {
                throw new AdapterImportException(path, $"target module '{name}' is not supported; llama.cpp adapters can target {string.Join(", ", LlamaProjections.PeftNames)}");
            }

            modules.Add(name);
        }

        return modules.Count > 0 ? modules : throw new AdapterImportException(path, "target_modules is empty");
    }

    private static void Refuse(string path, bool condition, string reason)
    {
        if (condition)
        {
            throw new AdapterImportException(path, reason);
        }
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool IsTrue(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static bool IsNonEmpty(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind switch
        {
            JsonValueKind.Object => value.EnumerateObject().Any(),
            JsonValueKind.Array => value.GetArrayLength() > 0,
            JsonValueKind.Null or JsonValueKind.Undefined => false,
            _ => true,
        };
}
