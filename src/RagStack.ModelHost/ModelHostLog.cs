namespace RagStack.ModelHost;

internal static partial class ModelHostLog
{
    [LoggerMessage(1, LogLevel.Information, "Serving {ModelIds} from {ModelPath}; window {ContextLength} tokens; chat template: {ChatTemplate}")]
    public static partial void Serving(ILogger logger, string modelIds, string modelPath, string chatTemplate, int contextLength);
}
