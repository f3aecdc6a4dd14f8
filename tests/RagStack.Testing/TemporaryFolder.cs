namespace RagStack.Testing;

/// <summary>A fresh folder under the system temp folder for one test's (or one fixture's) files, deleted on dispose.</summary>
/// <param name="prefix">The start of the folder's name, so a folder a crashed run left behind says which tests made it.</param>
public sealed class TemporaryFolder(string prefix = "ragstack-tests-") : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory(prefix);

    /// <summary>The folder's full path.</summary>
    public string FullName => _directory.FullName;

    /// <summary>The full path of <paramref name="name"/> in the folder (not created).</summary>
    public string Path(string name) => System.IO.Path.Combine(_directory.FullName, name);

    /// <summary>The names of the files directly in the folder.</summary>
    public IReadOnlyList<string> Files() => [.. _directory.GetFiles().Select(f => f.Name)];

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A file a store still maps or a test left open: left for the OS, it is in the temp folder.
        }
    }
}
