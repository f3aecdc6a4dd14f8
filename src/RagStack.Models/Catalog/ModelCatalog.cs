namespace RagStack.Models.Catalog;

/// <summary>The short list of small instruct GGUF models that can be pulled by name, and the rule that turns a name or URL into a <see cref="ModelSource"/>.</summary>
public static class ModelCatalog
{
    // Checksums: only hashes found published in a source are listed, never computed or guessed here. The three below were
    // found, with the exact sizes beside them, in several independent public repositories that pin these files (found with
    // a code search; several record the value as Hugging Face's X-Linked-ETag, the LFS SHA-256 of the file):
    //  - qwen2.5-0.5b-instruct-q4_k_m.gguf at Qwen/Qwen2.5-0.5B-Instruct-GGUF revision 9217f5db79a29953eb74d5343926648285ec7e67;
    //  - qwen2.5-1.5b-instruct-q4_k_m.gguf at Qwen/Qwen2.5-1.5B-Instruct-GGUF revision 91cad51170dc346986eccefdc2dd33a9da36ead9;
    //  - Llama-3.2-1B-Instruct-Q4_K_M.gguf at bartowski/Llama-3.2-1B-Instruct-GGUF revision 067b946cf014b7c697f3654f621d577a3e3afd1c.
    // If a repository's main branch replaces one of these files, pull fails with a checksum error naming both hashes
    // rather than installing an unverified file; update the entry then. The others have no hash found in a source (TinyLlama's
    // turned up in a single repository only, not enough to pin every user's download to), so pull records what it computes.
    private static readonly CatalogModel[] Entries =
    [
        new("qwen2.5-0.5b-instruct", "Qwen/Qwen2.5-0.5B-Instruct-GGUF", "qwen2.5-0.5b-instruct-q4_k_m.gguf", 491_400_032, "Apache-2.0",
            "74a4da8c9fdbcd15bd1f6d01d621410d31c6fc00986f5eb687824e7b93d7a9db"),
        new("qwen2.5-1.5b-instruct", "Qwen/Qwen2.5-1.5B-Instruct-GGUF", "qwen2.5-1.5b-instruct-q4_k_m.gguf", 1_117_320_736, "Apache-2.0",
            "6a1a2eb6d15622bf3c96857206351ba97e1af16c30d7a74ee38970e434e9407e"),
        new("llama-3.2-1b-instruct", "bartowski/Llama-3.2-1B-Instruct-GGUF", "Llama-3.2-1B-Instruct-Q4_K_M.gguf", 807_694_464, "Llama 3.2 Community License",
            "6f85a640a97cf2bf5b8e764087b1e83da0fdb51d7c9fab7d0fece9385611df83"),
        new("smollm2-360m-instruct", "bartowski/SmolLM2-360M-Instruct-GGUF", "SmolLM2-360M-Instruct-Q4_K_M.gguf", 271_000_000, "Apache-2.0", null),
        new("smollm2-1.7b-instruct", "bartowski/SmolLM2-1.7B-Instruct-GGUF", "SmolLM2-1.7B-Instruct-Q4_K_M.gguf", 1_060_000_000, "Apache-2.0", null),
        new("phi-3.5-mini-instruct", "bartowski/Phi-3.5-mini-instruct-GGUF", "Phi-3.5-mini-instruct-Q4_K_M.gguf", 2_390_000_000, "MIT", null),
        new("tinyllama-1.1b-chat", "TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF", "tinyllama-1.1b-chat-v1.0.Q4_K_M.gguf", 669_000_000, "Apache-2.0", null),
    ];

    /// <summary>Every model that can be pulled by name, smallest families first.</summary>
    public static IReadOnlyList<CatalogModel> Models => Entries;

    /// <summary>The catalogue entry called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static CatalogModel? Find(string name) =>
        Array.Find(Entries, m => string.Equals(m.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Turns what a user typed into a source: a catalogue name, or a direct http(s) URL of a <c>.gguf</c> file (installed under its file name).
    /// <paramref name="sha256"/>, when given, is the hash to verify against; it replaces the catalogue's.
    /// </summary>
    /// <exception cref="ModelNotFoundException">Neither a catalogue name nor an http(s) URL of a .gguf file.</exception>
    /// <exception cref="FormatException"><paramref name="sha256"/> is not 64 hexadecimal digits.</exception>
    public static ModelSource ResolveSource(string nameOrUrl, string? sha256 = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrUrl);
        var expected = string.IsNullOrWhiteSpace(sha256) ? null : ModelDownloader.NormalizeSha256(sha256);
        if (Find(nameOrUrl) is { } model)
        {
            return new ModelSource(model.Name, model.Url, model.FileName, expected ?? model.Sha256);
        }

        if (Uri.TryCreate(nameOrUrl.Trim(), UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps))
        {
            var fileName = Path.GetFileName(Uri.UnescapeDataString(url.AbsolutePath));
            if (!fileName.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) || fileName.Length == ".gguf".Length || fileName.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
            {
                throw new ModelNotFoundException(nameOrUrl, "the URL does not name a .gguf file; pass the URL of the file itself (on Hugging Face: .../resolve/main/<file>.gguf).");
            }

            return new ModelSource(fileName[..^".gguf".Length], url, fileName, expected);
        }

        throw new ModelNotFoundException(
            nameOrUrl,
            $"neither a catalogue model nor an http(s) URL; the catalogue has {string.Join(", ", Entries.Select(m => m.Name))} (see 'ragstack models list').");
    }
}
