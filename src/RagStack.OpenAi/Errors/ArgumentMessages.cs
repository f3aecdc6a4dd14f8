namespace RagStack.OpenAi.Errors;

/// <summary>The message of an <see cref="ArgumentException"/> as a caller should read it.</summary>
internal static class ArgumentMessages
{
    /// <summary>
    /// The message without .NET's " (Parameter 'values')": the parameter is one of our methods', not a field of the
    /// request, and naming it would only confuse the caller.
    /// </summary>
    public static string Of(ArgumentException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var message = exception.ParamName is { } name ? exception.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : exception.Message;
        // ArgumentOutOfRangeException adds "Actual value was …." on its own line.
        var line = message.IndexOf('\n', StringComparison.Ordinal);
        return (line < 0 ? message : message[..line]).TrimEnd();
    }
}
