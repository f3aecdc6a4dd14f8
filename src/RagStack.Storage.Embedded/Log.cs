using Microsoft.Extensions.Logging;

namespace RagStack.Storage.Embedded;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "Rebuilding the {Component} index of '{Index}' from ragstack.db: {Reason}")]
    public static partial void RebuildingIndex(this ILogger logger, string index, string component, string reason);

    [LoggerMessage(2, LogLevel.Information, "Rebuilt the {Component} index of '{Index}' from {Chunks} chunks in {ElapsedMs} ms")]
    public static partial void RebuiltIndex(this ILogger logger, string index, string component, int chunks, long elapsedMs);

    [LoggerMessage(3, LogLevel.Error, "Persisting the derived indexes of '{Index}' failed; they stay in memory and are rebuilt from ragstack.db on the next open if the process stops first")]
    public static partial void PersistFailed(this ILogger logger, string index, Exception exception);

    [LoggerMessage(4, LogLevel.Information, "Opened the embedded store in {DataDirectory}: {Indexes} indexes in {ElapsedMs} ms")]
    public static partial void Opened(this ILogger logger, string dataDirectory, int indexes, long elapsedMs);
}
