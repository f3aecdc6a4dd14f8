using RagStack.ModelHost.Models;

namespace RagStack.ModelHost;

/// <summary>
/// What the model host serves, bound from <c>RagStack:ModelHost</c>. The same section also sets the model's loading options
/// (<c>ContextLength</c>, <c>MaxParallelRequests</c>, <c>Threads</c>, … of <see cref="LlamaSharp.LlamaModelOptions"/>).
/// </summary>
public sealed class ModelHostOptions
{
    /// <summary>The configuration section the host reads.</summary>
    public const string Section = "RagStack:ModelHost";

    /// <summary>Path of the GGUF model file.</summary>
    public string ModelPath { get; set; } = "";

    /// <summary>The id clients name the base model by; null or empty takes the model file's name without its extension.</summary>
    public string? ModelId { get; set; }

    /// <summary>LoRA adapters (GGUF) loaded with the model at start-up, by name; a client asks for one as <c>&lt;model id&gt;+&lt;name&gt;</c>.</summary>
    public Dictionary<string, string> Adapters { get; } = new(StringComparer.Ordinal);

    /// <summary>The id of the base model: <see cref="ModelId"/>, or the model file's name without its extension.</summary>
    public string BaseModelId => string.IsNullOrWhiteSpace(ModelId) ? Path.GetFileNameWithoutExtension(ModelPath) : ModelId;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first setting a user must change.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelPath))
        {
            throw new ArgumentException($"{Section}:ModelPath is not set; give the path of a GGUF model file.", nameof(ModelPath));
        }

        if (BaseModelId.Contains(ServedModels.AdapterSeparator, StringComparison.Ordinal))
        {
            throw new ArgumentException($"{Section}:ModelId '{BaseModelId}' may not contain '{ServedModels.AdapterSeparator}', which separates the model from its adapter.", nameof(ModelId));
        }

        foreach (var (name, path) in Adapters)
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                throw new ArgumentException($"{Section}:Adapters:{name} has no path; give the path of a GGUF LoRA adapter.", nameof(Adapters));
            }

            if (name.Contains(ServedModels.AdapterSeparator, StringComparison.Ordinal))
            {
                throw new ArgumentException($"{Section}:Adapters:{name}: an adapter name may not contain '{ServedModels.AdapterSeparator}'.", nameof(Adapters));
            }
        }
    }
}
