namespace RagStack.Models.Safetensors;

/// <summary>A file is not a safetensors file this reader can use; the message names the file and what is wrong with it.</summary>
public sealed class SafetensorsFormatException : IOException
{
    /// <summary>Creates the exception for <paramref name="filePath"/> with a reason a user can act on.</summary>
    public SafetensorsFormatException(string filePath, string reason, Exception? innerException = null)
        : base($"{filePath}: {reason}", innerException)
    {
        FilePath = filePath;
        Reason = reason;
    }

    /// <summary>The file that could not be read.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong with it, without the file name: "truncated: …", "header too large: …", ….</summary>
    public string Reason { get; }
}
