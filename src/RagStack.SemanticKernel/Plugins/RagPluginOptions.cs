namespace RagStack.SemanticKernel;

/// <summary>What the <see cref="RagPlugin"/> searches and asks when the model names no index.</summary>
public sealed class RagPluginOptions
{
    /// <summary>The index the functions use when the model leaves <c>index</c> out; null for the domain's index, else <c>default</c>.</summary>
    public string? Index { get; set; }

    /// <summary>The domain questions are asked in (its index, adapter and instructions); null for none.</summary>
    public string? Domain { get; set; }

    /// <summary>How long <c>ingest_text</c> waits for a remote RagStack to make the text searchable; default two minutes.</summary>
    public TimeSpan IngestTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
