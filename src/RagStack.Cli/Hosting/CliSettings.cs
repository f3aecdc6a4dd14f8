using System.ComponentModel;
using Spectre.Console.Cli;

namespace RagStack.Cli.Hosting;

/// <summary>Options every command takes: where the data lives and how to print.</summary>
internal class CliSettings : CommandSettings
{
    [CommandOption("--data-dir <DIR>")]
    [Description("Data folder (database, indexes, originals). Default: $RAGSTACK_DATA, else ~/.local/share/ragstack.")]
    public string? DataDir { get; init; }

    [CommandOption("--json")]
    [Description("Print machine-readable JSON instead of tables.")]
    public bool Json { get; init; }

    /// <summary>The data folder in force: the option, then <c>RAGSTACK_DATA</c>, then the user's local data folder.</summary>
    public string ResolveDataDir()
    {
        var dir = DataDir ?? Environment.GetEnvironmentVariable("RAGSTACK_DATA");
        if (string.IsNullOrWhiteSpace(dir))
        {
            dir = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "ragstack");
        }

        return Path.GetFullPath(dir);
    }
}

/// <summary>Options of commands that read or write one index.</summary>
internal class IndexSettings : CliSettings
{
    [CommandOption("-i|--index <NAME>")]
    [Description("Index (collection) to use. Default: default.")]
    [DefaultValue("default")]
    public string Index { get; init; } = "default";

    [CommandOption("--tenant <TENANT>", IsHidden = true)]
    [DefaultValue("local")]
    public string Tenant { get; init; } = "local";
}
