using System.ComponentModel;
using RagStack.Cli.Arguments;
using RagStack.Onnx;
using Spectre.Console.Cli;

namespace RagStack.Cli.Hosting;

/// <summary>Options every command takes: where the data lives and how to print.</summary>
internal class CliSettings : CommandSettings
{
    [CommandOption("--data-dir <DIR>")]
    [Description("Data folder (database, indexes, originals). Default: $RAGSTACK_DATA, else ~/.local/share/ragstack.")]
    public string? DataDir { get; init; }

    [CommandOption("--store <STORE>")]
    [Description("Where chunks, vectors and keywords live: embedded (the data folder) or qdrant. Default: RagStack:VectorStore, else embedded.")]
    public string? Store { get; init; }

    [CommandOption("--qdrant-endpoint <URL>")]
    [Description("Qdrant's gRPC address for --store qdrant, e.g. http://localhost:6334 (RagStack:Qdrant:Endpoint).")]
    public string? QdrantEndpoint { get; init; }

    [CommandOption("--json")]
    [Description("Print machine-readable JSON instead of tables.")]
    public bool Json { get; init; }

    /// <summary>The settings the store options stand for, which win over the environment and <c>ragstack.json</c>.</summary>
    public IEnumerable<KeyValuePair<string, string?>> StoreSettings()
    {
        if (Store is { Length: > 0 } store)
        {
            yield return new(RagStackSections.VectorStore, store);
        }

        if (QdrantEndpoint is { Length: > 0 } endpoint)
        {
            yield return new($"{RagStackSections.Qdrant}:Endpoint", endpoint);
        }
    }

    /// <summary>The data folder in force: the option, then <c>RAGSTACK_DATA</c>, then the user's local data folder.</summary>
    public string ResolveDataDir() => DataFolder.Resolve(DataDir);
}

/// <summary>Options of commands that read or write one index.</summary>
internal class IndexSettings : CliSettings
{
    [CommandOption("-i|--index <NAME>")]
    [Description("Index (collection) to use. Default: default.")]
    [DefaultValue("default")]
    [IndexName]
    public string Index { get; init; } = "default";

    [CommandOption("--tenant <TENANT>", IsHidden = true)]
    [DefaultValue("local")]
    public string Tenant { get; init; } = "local";
}
