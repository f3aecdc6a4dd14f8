using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace RagStack.Storage.Qdrant;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "Qdrant {Operation} failed with {Status} (attempt {Attempt} of {Retries} retries); retrying in {DelayMs} ms")]
    public static partial void Retrying(this ILogger logger, string operation, StatusCode status, int attempt, int retries, long delayMs);

    [LoggerMessage(2, LogLevel.Information, "Created Qdrant collection {Collection}: {Size}-dimensional cosine vectors, {Shards} shards, replication {Replication}, quantization {Quantization}")]
    public static partial void CreatedCollection(this ILogger logger, string collection, int size, int shards, int replication, QdrantQuantization quantization);
}
