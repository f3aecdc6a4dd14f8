namespace RagStack.LlamaSharp.Quantization;

/// <summary>A model could not be quantized; the message names the file concerned and the reason.</summary>
public sealed class GgufQuantizationException : IOException
{
    /// <summary>Creates the exception for <paramref name="filePath"/> with a reason a user can act on.</summary>
    public GgufQuantizationException(string filePath, string reason, Exception? innerException = null)
        : base($"{filePath}: {reason}", innerException)
    {
        FilePath = filePath;
        Reason = reason;
    }

    /// <summary>The input or output file the failure concerns.</summary>
    public string FilePath { get; }

    /// <summary>What went wrong, without the file name.</summary>
    public string Reason { get; }
}
