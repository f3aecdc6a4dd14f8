namespace RagStack.Api.Tests;

/// <summary>A folder path under the temp directory for one test's data, deleted afterwards.</summary>
public sealed class TemporaryDirectory(string prefix) : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Never created, or a file the store still maps: left for the OS, it is in the temp directory.
        }
    }
}
