namespace RagStack.Testing;

/// <summary>The real models under <c>../shared/models</c>; tests that need one skip with <see cref="Missing"/> when it is absent.</summary>
public static class SharedModels
{
    /// <summary>The skip reason for a test whose shared model is absent.</summary>
    public const string Missing = "../shared/models is absent (a fresh clone has no shared folder); the self-contained tests cover the same code with synthetic models.";

    /// <summary>Full path of <paramref name="relativePath"/> under the shared models folder, or null when that file is not there.</summary>
    public static string? Find(string relativePath) => RepositoryFolders.Shared("models", relativePath) is { } path && File.Exists(path) ? path : null;

    /// <summary>llama2.c's 260K-parameter TinyStories model.</summary>
    public static string? Stories260K => Find("stories260K.gguf");

    /// <summary>llama.cpp's vocabulary-only GGUF of the Llama SentencePiece tokenizer.</summary>
    public static string? LlamaSpmVocabulary => Find(Path.Combine("vocab", "ggml-vocab-llama-spm.gguf"));
}
