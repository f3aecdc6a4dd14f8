namespace RagStack;

/// <summary>
/// Where a RagStack data folder is and which file in it holds its settings, so every host (API, CLI, model host, a
/// user's app) finds the same folder from the same setting and reads the same <c>ragstack.json</c>.
/// </summary>
public static class RagStackDataDirectory
{
    /// <summary>The environment variable naming the data folder when <c>RagStack:DataDirectory</c> is not set.</summary>
    public const string EnvironmentVariable = "RAGSTACK_DATA";

    /// <summary>The folder's settings file: its embedding model, and configuration such as <c>RagStack:Retrieval</c>.</summary>
    public const string SettingsFileName = "ragstack.json";

    /// <summary>The folder in force: <paramref name="configured"/>, else <c>RAGSTACK_DATA</c>, else the user's local data folder (<c>~/.local/share/ragstack</c>); absolute.</summary>
    public static string Resolve(string? configured)
    {
        var dir = configured is { Length: > 0 } ? configured : Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(dir))
        {
            dir = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "ragstack");
        }

        return Path.GetFullPath(dir);
    }
}
