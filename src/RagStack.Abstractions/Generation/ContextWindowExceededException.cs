namespace RagStack.Generation;

/// <summary>A prompt is longer than the generator model's window; shorten it or pack fewer sources.</summary>
public sealed class ContextWindowExceededException : InvalidOperationException
{
    public ContextWindowExceededException(int promptTokens, int contextLength)
        : base($"The prompt is {promptTokens} tokens; the model's window is {contextLength} tokens, prompt and reply together. Shorten the prompt or load the model with a larger context.")
    {
        PromptTokens = promptTokens;
        ContextLength = contextLength;
    }

    /// <summary>Tokens the prompt became.</summary>
    public int PromptTokens { get; }

    /// <summary>The model's window for one request.</summary>
    public int ContextLength { get; }
}
