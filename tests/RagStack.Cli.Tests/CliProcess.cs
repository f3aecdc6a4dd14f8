using System.Diagnostics;
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

    public async Task<(int ExitCode, string Out, string Error)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryFolders.FindRoot() ?? AppContext.BaseDirectory,
        };
        foreach (var (name, value) in Environment)
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ragstack.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("--data-dir");
        start.ArgumentList.Add(DataDir);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    public async Task<JsonElement> JsonAsync(params string[] arguments)
    {
        var (exitCode, output, error) = await RunAsync([.. arguments, "--json"]);
        Assert.True(exitCode == 0, $"ragstack {string.Join(' ', arguments)} exited {exitCode}: {error}");
        return JsonDocument.Parse(output).RootElement;
    }
}
