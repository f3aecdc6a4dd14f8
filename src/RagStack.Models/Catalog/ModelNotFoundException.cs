namespace RagStack.Models.Catalog;

/// <summary>A name or path that names no model: not in the catalogue, not installed, not a file; the message says where to look.</summary>
public sealed class ModelNotFoundException : Exception
{
    /// <summary>Creates the error for <paramref name="nameOrPath"/>; <paramref name="message"/> says why and what to do.</summary>
    public ModelNotFoundException(string nameOrPath, string message)
        : base(message) => NameOrPath = nameOrPath;

    /// <summary>What the user asked for.</summary>
    public string NameOrPath { get; }
}
