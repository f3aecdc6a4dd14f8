namespace RagStack.Training.Tests;

/// <summary>A folder for one test's files, deleted afterwards.</summary>
internal sealed class TemporaryFolder : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("ragstack-training-");

    public string Path(string name) => System.IO.Path.Combine(_directory.FullName, name);

    public IReadOnlyList<string> Files() => [.. _directory.GetFiles().Select(f => f.Name)];

    public void Dispose() => _directory.Delete(recursive: true);
}
