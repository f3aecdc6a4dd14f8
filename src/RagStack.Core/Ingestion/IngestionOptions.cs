using RagStack.Extraction;
using RagStack.Ingestion.Partitioning;

namespace RagStack.Ingestion;

/// <summary>Settings of the ingestion pipeline, bound from <c>RagStack:Ingestion</c>.</summary>
public sealed class IngestionOptions
{
    /// <summary>The configuration section these settings are bound from.</summary>
    public const string Section = RagStackSections.Ingestion;

    public ChunkingOptions Chunking { get; set; } = new();

    public ExtractionOptions Extraction { get; set; } = new();

    /// <summary>Chunks gathered from several documents before one embedding call; larger batches embed faster.</summary>
    public int EmbeddingBatchSize { get; set; } = 64;
}
