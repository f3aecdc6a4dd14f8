namespace RagStack.Cli.Tests;

/// <summary>Finds <c>../shared</c> beside the repository root; tests that need it skip when it is absent (a fresh clone has none).</summary>
internal static class SharedData
{
    public static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RagStack.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    public static string? SciFact()
    {
        var root = RepositoryRoot();
        var folder = root is null ? null : Path.GetFullPath(Path.Combine(root, "..", "shared", "datasets", "scifact"));
        return folder is not null && File.Exists(Path.Combine(folder, "scifact.zip")) ? folder : null;
    }

    /// <summary>A file under <c>../shared/models</c>, or null when it is absent.</summary>
    public static string? Model(string relativePath)
    {
        var root = RepositoryRoot();
        var path = root is null ? null : Path.GetFullPath(Path.Combine(root, "..", "shared", "models", relativePath));
        return path is not null && File.Exists(path) ? path : null;
    }
}
