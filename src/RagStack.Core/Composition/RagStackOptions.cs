namespace RagStack;

/// <summary>Which store holds chunks, vectors and keywords.</summary>
public enum VectorStoreKind
{
    /// <summary>SQLite, a BM25 index and an HNSW index in the data folder.</summary>
    Embedded,

    /// <summary>A Qdrant server or cluster (<c>RagStack:Qdrant</c>).</summary>
    Qdrant,
}

/// <summary>The settings at the root of <c>RagStack</c>: where the data folder is and which store holds the chunks.</summary>
public sealed class RagStackOptions
{
    /// <summary>The configuration section these settings are bound from.</summary>
    public const string Section = RagStackSections.Root;

    /// <summary>
    /// The data folder (database, indexes, originals, <c>ragstack.json</c>); null for <c>RAGSTACK_DATA</c>, else the
    /// user's local data folder (<c>~/.local/share/ragstack</c> on Linux).
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>Which store holds chunks and vectors; the embedded one by default.</summary>
    public VectorStoreKind VectorStore { get; set; } = VectorStoreKind.Embedded;

    /// <summary>The data folder in force, absolute: <see cref="DataDirectory"/>, else <c>RAGSTACK_DATA</c>, else the default.</summary>
    public string ResolvedDataDirectory => RagStackDataDirectory.Resolve(DataDirectory);
}
