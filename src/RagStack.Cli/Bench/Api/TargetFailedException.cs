namespace RagStack.Cli.Bench.Api;

/// <summary>A URL that cannot be measured, with the reason in words: printed as one line, not a stack trace.</summary>
internal sealed class TargetFailedException(string message) : Exception(message);
