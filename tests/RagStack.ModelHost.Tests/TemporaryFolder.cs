namespace RagStack.ModelHost.Tests;

/// <summary>A folder for one fixture's files, deleted afterwards.</summary>
internal sealed class TemporaryFolder : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("ragstack-modelhost-");

    public string Path(string name) => System.IO.Path.Combine(_directory.FullName, name);

    public void Dispose() => _directory.Delete(recursive: true);
}
