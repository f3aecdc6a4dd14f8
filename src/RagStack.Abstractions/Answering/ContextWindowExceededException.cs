namespace RagStack.Answering;

/// <summary>
/// The question (with its history and the prompt's instructions) does not fit the generator's window even with the
/// smallest output reserve, so no answer can be generated.
/// </summary>
public sealed class ContextWindowExceededException : Exception
{
    public ContextWindowExceededException()
    {
    }

    public ContextWindowExceededException(string message)
        : base(message)
    {
    }

    public ContextWindowExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Tokens the prompt needs without any source.</summary>
    public int PromptTokens { get; init; }

    /// <summary>The generator's window, in tokens.</summary>
    public int ContextLength { get; init; }
}
