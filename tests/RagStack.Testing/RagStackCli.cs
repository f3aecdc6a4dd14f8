using System.Diagnostics;

namespace RagStack.Testing;

/// <summary>Runs a built <c>ragstack</c> executable in a child process, as a user would, on one data folder.</summary>
public static class RagStackCli
{
    /// <summary>
    /// Runs <c>dotnet <paramref name="executable"/> <paramref name="arguments"/> --data-dir <paramref name="dataDirectory"/></c>
    /// from the repository root, with <paramref name="environment"/> set for the child only; gives up after five minutes.
    /// </summary>
    public static async Task<(int ExitCode, string Out, string Error)> RunAsync(
        string executable, string dataDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryFolders.FindRoot() ?? AppContext.BaseDirectory,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(executable);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("--data-dir");
        start.ArgumentList.Add(dataDirectory);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
