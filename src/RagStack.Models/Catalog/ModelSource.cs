namespace RagStack.Models.Catalog;

/// <summary>What to pull: the name the model is installed under, where its file comes from, and its SHA-256 when one is known.</summary>
/// <param name="Name">The installed model's name (a catalogue name, or the file name without <c>.gguf</c>).</param>
/// <param name="Url">The http(s) URL of the GGUF file.</param>
/// <param name="FileName">The file's name in the models folder.</param>
/// <param name="Sha256">The expected SHA-256 (lower-case hex), or null when none is known.</param>
public sealed record ModelSource(string Name, Uri Url, string FileName, string? Sha256);
