namespace RagStack.Api;

/// <summary>
/// The RAG service's own settings, bound from <c>RagStack</c>: where its data folder is and which generator model writes
/// answers. Domains are bound from <c>RagStack:Domains</c> (see <c>DomainsOptions</c>).
/// </summary>
public sealed class RagStackApiOptions
{
    /// <summary>The configuration section these settings are bound from.</summary>
    public const string Section = "RagStack";

    /// <summary>
    /// The data folder (database, indexes, originals); null for <c>RAGSTACK_DATA</c>, else the same folder the CLI uses
    /// (<c>~/.local/share/ragstack</c> on Linux).
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>The generator model; without one, answers are extractive (the best passages, cited).</summary>
    public GeneratorModelSettings Model { get; set; } = new();
}

/// <summary>The generator model that writes answers, bound from <c>RagStack:Model</c>.</summary>
public sealed class GeneratorModelSettings
{
    /// <summary>Path of a GGUF model; null or empty for none.</summary>
    public string? Path { get; set; }
}
