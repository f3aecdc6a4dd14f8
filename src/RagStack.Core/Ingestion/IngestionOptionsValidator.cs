using Microsoft.Extensions.Options;

namespace RagStack.Ingestion;

/// <summary>Checks <c>RagStack:Ingestion</c> (chunking and extraction limits included) at start.</summary>
internal sealed class IngestionOptionsValidator : IValidateOptions<IngestionOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var chunking = options.Chunking;
        var extraction = options.Extraction;
        return new SettingsCheck(IngestionOptions.Section)
            .Require(options.EmbeddingBatchSize >= 1, nameof(options.EmbeddingBatchSize), options.EmbeddingBatchSize, "it must be at least 1")
            .Require(chunking.MaxTokens >= 16, "Chunking:MaxTokens", chunking.MaxTokens, "a chunk needs a budget of at least 16 tokens")
            .Require(chunking.OverlapTokens >= 0 && chunking.OverlapTokens < chunking.MaxTokens / 2, "Chunking:OverlapTokens", chunking.OverlapTokens, $"it must be between 0 and half of Chunking:MaxTokens ({chunking.MaxTokens})")
            .Require(chunking.PackTokens >= 1, "Chunking:PackTokens", chunking.PackTokens, "the packing budget must be at least 1 token")
            .Require(chunking.HeaderTokens >= 0, "Chunking:HeaderTokens", chunking.HeaderTokens, "it may not be negative")
            .Require(extraction.MaxBytes >= 1, "Extraction:MaxBytes", extraction.MaxBytes, "it must be at least 1")
            .Require(extraction.MaxDecompressedBytes >= 1, "Extraction:MaxDecompressedBytes", extraction.MaxDecompressedBytes, "it must be at least 1")
            .Require(extraction.MaxArchiveEntries >= 1, "Extraction:MaxArchiveEntries", extraction.MaxArchiveEntries, "it must be at least 1")
            .Require(extraction.MaxCharacters >= 1, "Extraction:MaxCharacters", extraction.MaxCharacters, "it must be at least 1")
            .Require(extraction.Timeout > TimeSpan.Zero, "Extraction:Timeout", extraction.Timeout, "it must be positive")
            .Result;
    }
}
