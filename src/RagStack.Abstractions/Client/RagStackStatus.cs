namespace RagStack;

/// <summary>What a RagStack can do for the caller: whether a generator writes answers, which models run, and the caller's indexes and the configured domains.</summary>
public sealed record RagStackStatus
{
    /// <summary>True when a generator model is installed; without one, answers are the extractive ones.</summary>
    public bool Generator { get; init; }

    /// <summary>The generator's model (its file name or id); null without a generator.</summary>
    public string? GeneratorModel { get; init; }

    /// <summary>How to install a generator, when none is; null when one is.</summary>
    public string? GeneratorHint { get; init; }

    /// <summary>The embedding model's name; null when it does not say.</summary>
    public string? EmbeddingModel { get; init; }

    /// <summary>The indexes the caller has documents in, by name.</summary>
    public IReadOnlyList<string> Indexes { get; init; } = [];

    /// <summary>The configured domains, by name.</summary>
    public IReadOnlyList<DomainInfo> Domains { get; init; } = [];
}

/// <summary>A configured domain: its name and the index it answers from.</summary>
public sealed record DomainInfo(string Name, string Index);
