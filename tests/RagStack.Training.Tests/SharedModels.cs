namespace RagStack.Training.Tests;

/// <summary>Finds <c>../shared/models</c> beside the repository root; tests that need it skip when it is absent (a fresh clone has none).</summary>
internal static class SharedModels
{
    public const string Missing = "../shared/models is absent (a fresh clone has no shared folder); the self-contained tests cover the same code with synthetic models.";

    /// <summary>Full path of <paramref name="relativePath"/> under the shared models folder, or null when that file is not there.</summary>
    public static string? Find(string relativePath)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RagStack.sln")))
            {
                var path = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "models", relativePath));
                return File.Exists(path) ? path : null;
            }
        }

        return null;
    }

    public static string? Stories260K => Find("stories260K.gguf");

    public static string? LlamaSpmVocabulary => Find(Path.Combine("vocab", "ggml-vocab-llama-spm.gguf"));
}
