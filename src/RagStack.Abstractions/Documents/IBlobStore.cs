namespace RagStack.Documents;

/// <summary>Original document bytes, content-addressed by SHA-256, so every index can be rebuilt from them.</summary>
public interface IBlobStore
{
    /// <summary>Stores the stream's bytes and returns their SHA-256 (lower-case hex). Storing the same bytes twice writes once.</summary>
    Task<string> PutAsync(Stream content, CancellationToken cancellationToken = default);

    /// <summary>Opens the bytes stored under <paramref name="sha256"/>, or returns null when absent.</summary>
    Stream? OpenRead(string sha256);

    bool Exists(string sha256);

    /// <summary>Deletes the blob; returns false when it did not exist.</summary>
    bool Delete(string sha256);
}
