namespace RagStack.Testing;

/// <summary>Finds the repository the tests run from and <c>../shared</c> beside it; tests that need <c>../shared</c> skip when it is absent (a fresh clone has none).</summary>
public static class RepositoryFolders
{
    private static readonly Lazy<string?> FoundRoot = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "RagStack.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    });

    /// <summary>The repository root (the folder holding <c>RagStack.sln</c>) above the test binaries, or null when the tests run outside a repository.</summary>
    public static string? FindRoot() => FoundRoot.Value;

    /// <summary>The repository root (the folder holding <c>RagStack.sln</c>) above the test binaries.</summary>
    /// <exception cref="InvalidOperationException">The tests run outside the repository.</exception>
    public static string Root => FoundRoot.Value ?? throw new InvalidOperationException($"No RagStack.sln above {AppContext.BaseDirectory}: the tests run outside the repository.");

    /// <summary>The full path of <paramref name="parts"/> under the repository root.</summary>
    public static string InRepository(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary>The full path of a file or folder under <c>../shared</c>, or null when it (or the shared folder) is absent.</summary>
    public static string? Shared(params string[] parts)
    {
        if (FoundRoot.Value is not { } root)
        {
            return null;
        }

        var path = System.IO.Path.GetFullPath(System.IO.Path.Combine([root, "..", "shared", .. parts]));
        return File.Exists(path) || Directory.Exists(path) ? path : null;
    }
}
