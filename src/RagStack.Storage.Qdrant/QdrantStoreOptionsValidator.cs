using Microsoft.Extensions.Options;

namespace RagStack.Storage.Qdrant;

/// <summary>Checks <c>RagStack:Qdrant</c> at start.</summary>
internal sealed class QdrantStoreOptionsValidator : IValidateOptions<QdrantStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, QdrantStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var endpointOk = Uri.TryCreate(options.Endpoint, UriKind.Absolute, out var endpoint) && endpoint.Scheme is "http" or "https";
        return new SettingsCheck(QdrantStoreOptions.Section)
            .Require(endpointOk, nameof(options.Endpoint), options.Endpoint, "set it to Qdrant's gRPC address, e.g. http://localhost:6334 (https:// for TLS)")
            .Require(options.Collection is null || CollectionNames.IsValid(options.Collection), nameof(options.Collection), options.Collection, "use letters, digits, '-' and '_' only, at most 255 characters")
            .Require(options.VectorSize is null or > 0, nameof(options.VectorSize), options.VectorSize, "it must be positive")
            .Require(options.ShardNumber >= 1, nameof(options.ShardNumber), options.ShardNumber, "it must be at least 1")
            .Require(options.ReplicationFactor >= 1, nameof(options.ReplicationFactor), options.ReplicationFactor, "it must be at least 1")
            .Require(options.WriteConsistencyFactor >= 1 && options.WriteConsistencyFactor <= options.ReplicationFactor, nameof(options.WriteConsistencyFactor), options.WriteConsistencyFactor, "it must be between 1 and ReplicationFactor")
            .Require(options.HnswM >= 2, nameof(options.HnswM), options.HnswM, "it must be at least 2")
            .Require(options.HnswEfConstruct >= 4, nameof(options.HnswEfConstruct), options.HnswEfConstruct, "it must be at least 4")
            .Require(options.HnswEf >= 1, nameof(options.HnswEf), options.HnswEf, "it must be at least 1")
            .Require(options.UpsertBatchSize is >= 1 and <= 10_000, nameof(options.UpsertBatchSize), options.UpsertBatchSize, "it must be between 1 and 10000")
            .Require(options.AverageTextTerms > 0, nameof(options.AverageTextTerms), options.AverageTextTerms, "it must be positive")
            .Require(options.AverageTitleTerms > 0, nameof(options.AverageTitleTerms), options.AverageTitleTerms, "it must be positive")
            .Require(options.Timeout > TimeSpan.Zero, nameof(options.Timeout), options.Timeout, "it must be positive")
            .Require(options.MaxRetries is >= 0 and <= 20, nameof(options.MaxRetries), options.MaxRetries, "it must be between 0 and 20")
            .Require(options.RetryDelay >= TimeSpan.Zero, nameof(options.RetryDelay), options.RetryDelay, "it may not be negative")
            .Require(options.MaxRetryDelay >= options.RetryDelay, nameof(options.MaxRetryDelay), options.MaxRetryDelay, "it may not be shorter than RetryDelay")
            .Result;
    }
}
