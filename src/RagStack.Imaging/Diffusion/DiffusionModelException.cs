namespace RagStack.Imaging;

/// <summary>A model folder that is not a usable Stable Diffusion ONNX export; the message names the file and the reason.</summary>
public sealed class DiffusionModelException : Exception
{
    /// <summary>Creates the exception with its message.</summary>
    public DiffusionModelException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    public DiffusionModelException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
