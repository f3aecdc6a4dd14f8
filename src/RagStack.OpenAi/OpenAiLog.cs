using Microsoft.Extensions.Logging;

namespace RagStack.OpenAi;

internal static partial class OpenAiLog
{
    [LoggerMessage(1001, LogLevel.Error, "Chat completion {CompletionId} failed after its stream had started")]
    public static partial void StreamFailed(ILogger logger, Exception exception, string completionId);

    [LoggerMessage(1002, LogLevel.Error, "Unexpected error answering {Path}")]
    public static partial void UnexpectedError(ILogger logger, Exception exception, string path);
}
