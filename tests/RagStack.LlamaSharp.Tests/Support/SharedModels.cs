using Xunit;

namespace RagStack.LlamaSharp.Tests.Support;

/// <summary>Finds the real models in <c>../shared/models</c> next to the repository; tests that need them skip when absent.</summary>
internal static class SharedModels
{
    public static string? Folder { get; } = FindFolder();

    /// <summary>The real pretrained stories260K Llama; skips the calling test when it is absent.</summary>
    public static string Stories260K => Require("stories260K.gguf");

    /// <summary>The path of a file under <c>../shared/models</c>; skips the calling test when it is absent.</summary>
    public static string Require(string relativePath)
    {
        var path = Folder is null ? null : Path.Combine(Folder, relativePath);
        Skip.If(path is null || !File.Exists(path), $"../shared/models/{relativePath} not found: the shared real models are absent");
        return path!;
    }

    private static string? FindFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "RagStack.sln")))
            {
                var folder = Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "models"));
                return Directory.Exists(folder) ? folder : null;
            }
        }

        return null;
    }
}
