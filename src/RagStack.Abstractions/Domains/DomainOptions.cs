namespace RagStack.Domains;

/// <summary>
/// One domain, bound from <c>RagStack:Domains:&lt;name&gt;</c>: the index its questions are answered from, the LoRA
/// adapter (GGUF) and scale its answers are written with, and instructions added to the answer prompt's system message.
/// </summary>
public sealed class DomainOptions
{
    /// <summary>The index (collection) to answer from; null for the index named like the domain.</summary>
    public string? Index { get; set; }

    /// <summary>Path of a GGUF LoRA adapter for the generator model, loaded under the domain's name; null for the base model.</summary>
    public string? Adapter { get; set; }

    /// <summary>How strongly the adapter applies: 1 as trained, 0 the base model.</summary>
    public float AdapterScale { get; set; } = 1f;

    /// <summary>Instructions added to the answer prompt's system message (tone, vocabulary, audience); null for none.</summary>
    public string? SystemPrompt { get; set; }
}

/// <summary>The configured domains by name (case-insensitive), bound from <c>RagStack:Domains</c>.</summary>
public sealed class DomainsOptions : Dictionary<string, DomainOptions>
{
    /// <summary>An empty set of domains whose names compare case-insensitively, as configuration keys do.</summary>
    public DomainsOptions()
        : base(StringComparer.OrdinalIgnoreCase)
    {
    }
}
