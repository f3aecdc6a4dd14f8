namespace RagStack.Training;

/// <summary>A base model the .NET trainer cannot train on; the message names the file and what is wrong with it.</summary>
public sealed class TrainingModelException : IOException
{
    /// <summary>Creates the exception for <paramref name="filePath"/> with a reason a user can act on.</summary>
    public TrainingModelException(string filePath, string reason, Exception? innerException = null)
        : base($"{filePath}: {reason}", innerException)
    {
        FilePath = filePath;
        Reason = reason;
    }

    /// <summary>The base model file.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong with it, without the file name.</summary>
    public string Reason { get; }
}
