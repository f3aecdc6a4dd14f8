using Microsoft.Extensions.AI;

namespace RagStack.Generation;

/// <summary>
/// How a request chooses the LoRA adapter a generator answers with: two keys in <see cref="ChatOptions.AdditionalProperties"/>
/// that a chat client serving adapters (the local llama.cpp client) reads, and other clients ignore.
/// </summary>
public static class AdapterSelection
{
    /// <summary>Key in <see cref="ChatOptions.AdditionalProperties"/>: the name of the LoRA adapter to answer with.</summary>
    public const string Adapter = "ragstack.adapter";

    /// <summary>Key in <see cref="ChatOptions.AdditionalProperties"/>: the adapter's scale (default 1; 0 is the base model).</summary>
    public const string AdapterScale = "ragstack.adapter_scale";

    /// <summary>Returns <paramref name="options"/> (or new options) set to answer through the named LoRA adapter.</summary>
    public static ChatOptions WithAdapter(this ChatOptions? options, string adapter, float scale = 1f)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(adapter);
        var result = options?.Clone() ?? new ChatOptions();
        result.AdditionalProperties ??= [];
        result.AdditionalProperties[Adapter] = adapter;
        result.AdditionalProperties[AdapterScale] = scale;
        return result;
    }
}
