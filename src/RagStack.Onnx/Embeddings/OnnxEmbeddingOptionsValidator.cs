using Microsoft.Extensions.Options;

namespace RagStack.Onnx;

/// <summary>Checks <c>RagStack:Embeddings</c> at start.</summary>
internal sealed class OnnxEmbeddingOptionsValidator : IValidateOptions<OnnxEmbeddingOptions>
{
    public ValidateOptionsResult Validate(string? name, OnnxEmbeddingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SettingsCheck(OnnxEmbeddingOptions.Section)
            .Require(Enum.IsDefined(options.Model), nameof(options.Model), options.Model, $"choose one of {string.Join(", ", Enum.GetNames<EmbeddingModelKind>())}")
            .Require(Enum.IsDefined(options.Precision), nameof(options.Precision), options.Precision, $"choose one of {string.Join(", ", Enum.GetNames<EmbeddingPrecision>())}")
            .Require(options.BatchSize is null or (>= 1 and <= OnnxEmbeddingOptions.MaxBatchSize), nameof(options.BatchSize), options.BatchSize, $"it must be between 1 and {OnnxEmbeddingOptions.MaxBatchSize}")
            .Require(options.IntraOpThreads >= 1, nameof(options.IntraOpThreads), options.IntraOpThreads, "it must be at least 1")
            .Result;
    }
}
