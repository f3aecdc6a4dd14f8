namespace RagStack.Models.Adapters;

/// <summary>An adapter cannot be imported: a file is missing, its configuration asks for something unsupported, or it was made for another base model.</summary>
public sealed class AdapterImportException : IOException
{
    /// <summary>Creates the exception for <paramref name="filePath"/> with a reason a user can act on.</summary>
    public AdapterImportException(string filePath, string reason, Exception? innerException = null)
        : base($"{filePath}: {reason}", innerException)
    {
        FilePath = filePath;
        Reason = reason;
    }

    /// <summary>The file the problem is in (the adapter's configuration or weights, or the base model).</summary>
    public string FilePath { get; }

    /// <summary>What is wrong, without the file name.</summary>
    public string Reason { get; }
}
