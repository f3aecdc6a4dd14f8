using RagStack.Extraction;
using RagStack.Ingestion.Partitioning;

namespace RagStack.Ingestion;

/// <summary>Settings of the ingestion pipeline, bound from <c>RagStack:Ingestion</c>.</summary>
public sealed class IngestionOptions
{
    public ChunkingOptions Chunking { get; set; } = new();

    public ExtractionOptions Extraction { get; set; } = new();

    /// <summary>Chunks gathered from several documents before one embedding call; larger batches embed faster.</summary>
    public int EmbeddingBatchSize { get; set; } = 64;

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        Chunking.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(EmbeddingBatchSize, 1, nameof(EmbeddingBatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(Extraction.MaxBytes, 1, "Extraction.MaxBytes");
    }
}
