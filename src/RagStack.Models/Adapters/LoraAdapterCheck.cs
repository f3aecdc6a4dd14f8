using RagStack.Models.Gguf;

namespace RagStack.Models.Adapters;

/// <summary>Refuses a file that is not a LoRA adapter for a given base model before llama.cpp sees it, naming the mismatch.</summary>
internal static class LoraAdapterCheck
{
    /// <exception cref="FileNotFoundException">The adapter file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a GGUF LoRA adapter, or was made for another base model.</exception>
    public static void Check(string path, GgufFile baseModel, string baseModelPath)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: adapter file not found.", path);
        }

        GgufFile file;
        try
        {
            file = GgufFile.Read(path);
        }
        catch (GgufFormatException e)
        {
            throw new InvalidDataException(e.Message, e);
        }

        if (Text(file, "general.type") != "adapter" || Text(file, "adapter.type") != "lora")
        {
            throw new InvalidDataException($"{path}: not a LoRA adapter (general.type is '{Text(file, "general.type") ?? "missing"}', adapter.type is '{Text(file, "adapter.type") ?? "missing"}').");
        }

        var architecture = Text(baseModel, "general.architecture");
        if (Text(file, "general.architecture") is { } adapterArchitecture && adapterArchitecture != architecture)
        {
            throw new InvalidDataException($"{path}: the adapter is for a '{adapterArchitecture}' model; {baseModelPath} is '{architecture}'.");
        }

        foreach (var a in file.Tensors.Where(t => t.Name.EndsWith(".lora_a", StringComparison.Ordinal)))
        {
            var target = a.Name[..^".lora_a".Length];
            if (!baseModel.TryGetTensor(target, out var weight))
            {
                throw new InvalidDataException($"{path}: the adapter changes '{target}', which {baseModelPath} does not have; it was made for another base model.");
            }

            if (!file.TryGetTensor(target + ".lora_b", out var b))
            {
                throw new InvalidDataException($"{path}: '{a.Name}' has no matching '{target}.lora_b'.");
            }

            if (a.Shape[0] != weight.Shape[0] || b.Shape[1] != weight.Shape[1] || a.Shape[1] != b.Shape[0])
            {
                throw new InvalidDataException(
                    $"{path}: '{target}' is {weight.Shape[0]}×{weight.Shape[1]} in {baseModelPath}, but the adapter's lora_a is {a.Shape[0]}×{a.Shape[1]} and lora_b {b.Shape[0]}×{b.Shape[1]}; it was made for another base model.");
            }
        }
    }

    private static string? Text(GgufFile file, string key) =>
        file.Metadata.TryGetValue(key, out var value) && value.Type == GgufValueType.String ? value.AsString() : null;
}
