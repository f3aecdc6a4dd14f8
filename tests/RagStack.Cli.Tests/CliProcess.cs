using System.Text.Json;

namespace RagStack.Cli.Tests;

/// <summary>Runs the real <c>ragstack</c> executable in a child process, as a user would, against a temporary data folder.</summary>
internal sealed class CliProcess : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("ragstack-cli-");

    public string DataDir => _data.FullName;

    /// <summary>Environment variables set for the child process only.</summary>
    public Dictionary<string, string> Environment { get; } = [];

    public void Dispose() => _data.Delete(recursive: true);

    public Task<(int ExitCode, string Out, string Error)> RunAsync(params string[] arguments) =>
        RagStackCli.RunAsync(Path.Combine(AppContext.BaseDirectory, "ragstack.dll"), DataDir, Environment, arguments);

    public async Task<JsonElement> JsonAsync(params string[] arguments)
    {
        var (exitCode, output, error) = await RunAsync([.. arguments, "--json"]);
        Assert.True(exitCode == 0, $"ragstack {string.Join(' ', arguments)} exited {exitCode}: {error}");
        return JsonDocument.Parse(output).RootElement;
    }
}
