namespace RagStack.Models.HuggingFace;

/// <summary>A Hugging Face model folder that cannot be imported: <see cref="Path"/> names the file, <see cref="Reason"/> what is wrong with it.</summary>
public sealed class HuggingFaceFormatException(string path, string reason) : Exception($"{path}: {reason}")
{
    /// <summary>The file (config.json or model.safetensors) at fault.</summary>
    public string Path { get; } = path;

    /// <summary>What is wrong, without the path.</summary>
    public string Reason { get; } = reason;
}
