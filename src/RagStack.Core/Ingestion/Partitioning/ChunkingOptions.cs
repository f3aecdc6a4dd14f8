namespace RagStack.Ingestion.Partitioning;

/// <summary>How documents are cut into chunks. Token counts use the embedding model's own tokenizer.</summary>
public sealed class ChunkingOptions
{
    /// <summary>Most tokens of document text in one chunk. Capped by the embedding model's window.</summary>
    public int MaxTokens { get; set; } = 256;

    /// <summary>
    /// Paragraphs and list items are packed into one chunk only until it holds this many tokens of text; the next one then
    /// starts a new chunk. Small units match a question more sharply (the answerer is handed their neighbours), so the
    /// default keeps about one paragraph per chunk; <see cref="MaxTokens"/> or more packs up to the full budget.
    /// </summary>
    public int PackTokens { get; set; } = 64;

    /// <summary>Tokens of the previous chunk's tail repeated at the start of the next, when a section is cut by the budget.</summary>
    public int OverlapTokens { get; set; } = 32;

    /// <summary>Tokens reserved for the title and section header placed before each chunk's text when it is embedded.</summary>
    public int HeaderTokens { get; set; } = 40;
}
