using LLama.Native;

namespace RagStack.LlamaSharp.Scheduling;

/// <summary>
/// The LoRA adapters (with their scales) one request decodes under. Requests with equal keys share decode steps and
/// cached prefixes; requests with different keys never do, because the adapters change every layer's output.
/// </summary>
internal sealed record AdapterSet(string Key, (LoraAdapter Adapter, float Scale)[] Items)
{
    /// <summary>The base model alone.</summary>
    public static AdapterSet None { get; } = new("", []);

    public static AdapterSet Of(string name, LoraAdapter adapter, float scale) =>
        new(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{name}@{scale:R}"), [(adapter, scale)]);

    /// <summary>True when the set uses the adapter named <paramref name="name"/>.</summary>
    public bool Uses(string name) => Key.StartsWith(name + "@", StringComparison.Ordinal);
}
