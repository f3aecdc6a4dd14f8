using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RagStack.Models.Tests.Adapters;

/// <summary>Writes adapters in PEFT's on-disk format (adapter_config.json + adapter_model.safetensors), so tests need no Python.</summary>
internal static class PeftAdapterWriter
{
    public sealed record Tensor(string Name, long[] Shape, float[] Values, string DType = "F32");

    public static string LoraName(int layer, string module, char half) =>
        $"base_model.model.model.layers.{layer}.{(module is "gate_proj" or "up_proj" or "down_proj" ? "mlp" : "self_attn")}.{module}.lora_{half}.weight";

    /// <summary>Writes a folder holding the config (edited by <paramref name="edit"/>, if given) and the tensors.</summary>
    public static void Write(string directory, int rank, float alpha, IReadOnlyList<string> targets, IEnumerable<Tensor> tensors, Action<JsonObject>? edit = null)
    {
        Directory.CreateDirectory(directory);
        var config = new JsonObject
        {
            ["peft_type"] = "LORA",
            ["task_type"] = "CAUSAL_LM",
            ["r"] = rank,
            ["lora_alpha"] = alpha,
            ["lora_dropout"] = 0.05,
            ["target_modules"] = new JsonArray([.. targets.Select(t => (JsonNode)t!)]),
            ["fan_in_fan_out"] = false,
            ["bias"] = "none",
            ["use_dora"] = false,
            ["use_rslora"] = false,
            ["modules_to_save"] = null,
            ["rank_pattern"] = new JsonObject(),
            ["alpha_pattern"] = new JsonObject(),
        };
        edit?.Invoke(config);
        File.WriteAllText(Path.Combine(directory, "adapter_config.json"), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        WriteSafetensors(Path.Combine(directory, "adapter_model.safetensors"), tensors);
    }

    /// <summary>Writes a safetensors file the way the Python library does: header length, JSON header padded with spaces to 8 bytes, data.</summary>
    public static void WriteSafetensors(string path, IEnumerable<Tensor> tensors)
    {
        var header = new JsonObject { ["__metadata__"] = new JsonObject { ["format"] = "pt" } };
        using var data = new MemoryStream();
        foreach (var tensor in tensors)
        {
            var begin = data.Length;
            foreach (var value in tensor.Values)
            {
                data.Write(Encode(value, tensor.DType));
            }

            header[tensor.Name] = new JsonObject
            {
                ["dtype"] = tensor.DType,
                ["shape"] = new JsonArray([.. tensor.Shape.Select(d => (JsonNode)d!)]),
                ["data_offsets"] = new JsonArray(begin, data.Length),
            };
        }

        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var padded = json.Concat(Enumerable.Repeat((byte)' ', (8 - (json.Length % 8)) % 8)).ToArray();
        using var file = File.Create(path);
        var length = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded.Length);
        file.Write(length);
        file.Write(padded);
        data.Position = 0;
        data.CopyTo(file);
    }

    private static byte[] Encode(float value, string dtype) => dtype switch
    {
        "F32" => BitConverter.GetBytes(value),
        "F16" => BitConverter.GetBytes((Half)value),
        "BF16" => BitConverter.GetBytes((ushort)(BitConverter.SingleToUInt32Bits(value) >> 16)), // exact for the values tests use
        _ => throw new ArgumentException($"Unsupported dtype {dtype}.", nameof(dtype)),
    };
}
