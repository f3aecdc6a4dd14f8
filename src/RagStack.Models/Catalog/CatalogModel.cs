namespace RagStack.Models.Catalog;

/// <summary>A well-known small instruct model in GGUF form that <c>ragstack models pull &lt;name&gt;</c> can fetch from Hugging Face.</summary>
/// <param name="Name">The short name users type, e.g. <c>qwen2.5-0.5b-instruct</c>.</param>
/// <param name="Repository">The Hugging Face repository, <c>owner/name</c>.</param>
/// <param name="FileName">The GGUF file in that repository; also its name in the models folder.</param>
/// <param name="SizeBytes">The download size in bytes: exact where a checksum source gave it, otherwise the size the repository page shows, rounded.</param>
/// <param name="License">The model's licence, as its card names it.</param>
/// <param name="Sha256">The file's published SHA-256 (lower-case hex), or null when none was found; then pull records the hash it computes.</param>
public sealed record CatalogModel(string Name, string Repository, string FileName, long SizeBytes, string License, string? Sha256)
{
    /// <summary>Where the file is downloaded from: the repository's <c>resolve/main</c> URL.</summary>
    public Uri Url => new($"https://huggingface.co/{Repository}/resolve/main/{FileName}");
}
