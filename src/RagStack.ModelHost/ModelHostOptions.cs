using RagStack.OpenAi.RemoteGenerator;

namespace RagStack.ModelHost;

/// <summary>
/// What the model host serves, bound from <c>RagStack:ModelHost</c>: the id of its model and its adapters. The model itself
/// and its loading options (<c>ModelPath</c>, <c>ContextLength</c>, <c>MaxParallelRequests</c>, …) are
/// <c>RagStack:Generator</c> (<see cref="LlamaSharp.LlamaModelOptions"/>), as for every host.
/// </summary>
public sealed class ModelHostOptions
{
    /// <summary>The configuration section the host reads.</summary>
    public const string Section = RagStackSections.ModelHost;

    /// <summary>The id clients name the base model by; null or empty takes the model file's name without its extension.</summary>
    public string? ModelId { get; set; }

    /// <summary>LoRA adapters (GGUF) loaded with the model at start-up, by name; a client asks for one as <c>&lt;model id&gt;+&lt;name&gt;</c>.</summary>
    public Dictionary<string, string> Adapters { get; } = new(StringComparer.Ordinal);

    /// <summary>The id of the base model at <paramref name="modelPath"/>: <see cref="ModelId"/>, or the file's name without its extension.</summary>
    public string BaseModelIdOf(string modelPath) => string.IsNullOrWhiteSpace(ModelId) ? Path.GetFileNameWithoutExtension(modelPath) : ModelId;
}

/// <summary>Checks <c>RagStack:ModelHost</c> at start.</summary>
internal sealed class ModelHostOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<ModelHostOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, ModelHostOptions options)
    {
        var separator = AdapterModelIds.Separator;
        var check = new SettingsCheck(ModelHostOptions.Section)
            .Require(options.ModelId is null || !options.ModelId.Contains(separator, StringComparison.Ordinal), nameof(options.ModelId), options.ModelId, $"it may not contain '{separator}', which separates the model from its adapter");
        foreach (var (adapter, path) in options.Adapters)
        {
            check.Require(!string.IsNullOrWhiteSpace(path), $"Adapters:{adapter}", path, "give the path of a GGUF LoRA adapter")
                .Require(!adapter.Contains(separator, StringComparison.Ordinal), $"Adapters:{adapter}", path, $"an adapter name may not contain '{separator}'");
        }

        return check.Result;
    }
}
