namespace RagStack.Generation;

/// <summary>
/// A prompt does not fit the generator model's window (prompt and reply together), so no answer can be generated;
/// shorten the question or history, or load a model with a larger context.
/// </summary>
public sealed class ContextWindowExceededException : InvalidOperationException
{
    public ContextWindowExceededException(int promptTokens, int contextLength, string? message = null)
        : base(message ?? $"The prompt is {promptTokens} tokens; the model's window is {contextLength} tokens, prompt and reply together. Shorten the prompt or load the model with a larger context.")
    {
        PromptTokens = promptTokens;
        ContextLength = contextLength;
    }

    /// <summary>Tokens the prompt became.</summary>
    public int PromptTokens { get; }

    /// <summary>The model's window for one request.</summary>
    public int ContextLength { get; }
}
