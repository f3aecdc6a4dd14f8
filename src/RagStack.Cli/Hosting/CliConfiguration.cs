using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RagStack.Domains;
using RagStack.Onnx;

namespace RagStack.Cli.Hosting;

/// <summary>
/// The CLI's configuration: the data folder's <c>ragstack.json</c> (optional), then environment variables
/// (<c>RagStack__Domains__legal__Adapter</c>), which win. Domains are read from <c>RagStack:Domains</c> and checked by the
/// same validator the services use.
/// </summary>
internal static class CliConfiguration
{
    /// <summary>The section domains are bound from.</summary>
    public const string DomainsSection = "RagStack:Domains";

    private static readonly string[] DomainSettings = [nameof(DomainOptions.Index), nameof(DomainOptions.Adapter), nameof(DomainOptions.AdapterScale), nameof(DomainOptions.SystemPrompt)];

    /// <summary>The folder's settings file and the environment, in that order.</summary>
    public static IConfiguration Load(DataFolder folder) =>
        new ConfigurationBuilder()
            .AddJsonFile(folder.SettingsFile, optional: true, reloadOnChange: false)
            .AddEnvironmentVariables()
            .Build();

    /// <summary>
    /// Binds <c>RagStack:Domains</c> into <paramref name="domains"/>; a key that is not a domain setting is refused by name
    /// rather than ignored, so a misspelt <c>Adaptor</c> does not silently answer with the base model.
    /// </summary>
    /// <exception cref="InvalidDataException">A domain has an unknown setting or a value of the wrong type.</exception>
    public static void BindDomains(IConfiguration configuration, DomainsOptions domains)
    {
        var section = configuration.GetSection(DomainsSection);
        foreach (var domain in section.GetChildren())
        {
            foreach (var setting in domain.GetChildren())
            {
                if (!DomainSettings.Contains(setting.Key, StringComparer.OrdinalIgnoreCase))
                {
                    throw new InvalidDataException($"{setting.Path} is not a domain setting (settings: {string.Join(", ", DomainSettings)}).");
                }
            }

            if (domain.Value is not null)
            {
                throw new InvalidDataException($"{domain.Path} must be an object of settings ({string.Join(", ", DomainSettings)}), not a value.");
            }
        }

        try
        {
            section.Bind(domains);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }

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

    /// <summary>The domains <paramref name="configuration"/> declares, validated as the services validate them at start.</summary>
    /// <exception cref="InvalidDataException">A domain's settings are wrong; the message names the domain and the setting.</exception>
    public static DomainsOptions Domains(IConfiguration configuration)
    {
        var services = new ServiceCollection().AddRagStack(domains: d => BindDomains(configuration, d));
        using var provider = services.BuildServiceProvider();
        try
        {
            return provider.GetRequiredService<IOptions<DomainsOptions>>().Value;
        }
        catch (OptionsValidationException e)
        {
            throw new InvalidDataException(string.Join(" ", e.Failures), e);
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
