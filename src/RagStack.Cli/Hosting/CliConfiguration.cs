using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RagStack.Domains;
using RagStack.Onnx;

namespace RagStack.Cli.Hosting;

/// <summary>
/// The CLI's configuration: environment variables (<c>RagStack__Retrieval__Candidates</c>) and the data folder chosen
/// with <c>--data-dir</c>; <c>AddRagStack</c> reads the folder's <c>ragstack.json</c> beneath them, as in every host.
/// </summary>
internal static class CliConfiguration
{
    /// <summary>The section domains are bound from.</summary>
    public const string DomainsSection = RagStackSections.Domains;

    /// <summary>The environment, with the data folder in force.</summary>
    public static IConfiguration Load(DataFolder folder) => ForFolder(folder.Path);

    /// <summary>The environment, then the command line's settings (<c>--store</c>, …), with <paramref name="dataDirectory"/> as the data folder.</summary>
    public static IConfiguration ForFolder(string dataDirectory) =>
        new ConfigurationBuilder()
            .AddEnvironmentVariables()
            .AddInMemoryCollection(CommandLine)
            .AddInMemoryCollection([new(RagStackSections.DataDirectory, dataDirectory)])
            .Build();

    /// <summary>
    /// The settings the running command's options stand for (<c>--store qdrant --qdrant-endpoint …</c>), set once by
    /// <see cref="CommandLineSettings"/> before the command runs, so every command composes its store from them.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string?>> CommandLine { get; set; } = [];

    /// <summary>
    /// The <c>RagStack:Domains</c> object of a settings file, found whatever the case of its keys (configuration keys
    /// ignore case); created when <paramref name="create"/> is true, else null when absent.
    /// </summary>
    public static JsonObject? DomainsObject(JsonObject root, bool create)
    {
        var node = root;
        foreach (var name in DomainsSection.Split(':'))
        {
            var key = node.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Key;
            if (key is not null && node[key] is JsonObject child)
            {
                node = child;
                continue;
            }

            if (!create)
            {
                return null;
            }

            var created = new JsonObject();
            node[key ?? name] = created;
            node = created;
        }

        return node;
    }

    /// <summary>The domains <paramref name="configuration"/> declares, bound and validated as every host does at start.</summary>
    /// <exception cref="InvalidDataException">A domain's settings are wrong; the message names the domain and the setting.</exception>
    public static DomainsOptions Domains(IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddRagStack(configuration);
        using var provider = services.BuildServiceProvider();
        try
        {
            return provider.GetRequiredService<IOptions<DomainsOptions>>().Value;
        }
        catch (OptionsValidationException e)
        {
            throw new InvalidDataException(string.Join(" ", e.Failures), e);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }

    /// <summary>
    /// Rewrites the settings file through <paramref name="edit"/>, keeping every setting it does not touch, when it returns
    /// true; the new file replaces the old in one rename, so a crash leaves one or the other, never half of each.
    /// </summary>
    public static void Update(string file, Func<JsonObject, bool> edit)
    {
        var root = File.Exists(file)
            ? JsonNode.Parse(File.ReadAllText(file)) as JsonObject ?? throw new InvalidDataException($"{file} is not a JSON object.")
            : [];
        if (!edit(root))
        {
            return;
        }

        var temp = file + ".tmp";
        File.WriteAllText(temp, root.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        File.Move(temp, file, overwrite: true);
    }
}
