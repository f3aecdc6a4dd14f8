using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using RagStack.Cli.Arguments;
using RagStack.Cli.Hosting;
using RagStack.Domains;
using RagStack.Onnx;
using Spectre.Console;
using Spectre.Console.Cli;

namespace RagStack.Cli.Domains;

/// <summary><c>ragstack domains list</c>: the configured domains (the data folder's ragstack.json and the environment).</summary>
internal sealed class DomainsListCommand : Command<CliSettings>
{
    public override int Execute(CommandContext context, CliSettings settings, CancellationToken cancellationToken)
    {
        var folder = DataFolder.Open(settings.ResolveDataDir(), requested: null);
        DomainsOptions domains;
        try
        {
            domains = CliConfiguration.Domains(CliConfiguration.Load(folder));
        }
        catch (InvalidDataException e)
        {
            Output.Error($"{folder.SettingsFile}: {e.Message}");
            return 1;
        }

        var rows = domains.OrderBy(d => d.Key, StringComparer.OrdinalIgnoreCase).Select(d => new
        {
            name = d.Key,
            index = d.Value.Index ?? d.Key,
            adapter = d.Value.Adapter,
            adapterScale = d.Value.AdapterScale,
            systemPrompt = d.Value.SystemPrompt,
        }).ToList();
        if (settings.Json)
        {
            Output.Json(rows);
            return 0;
        }

        if (rows.Count == 0)
        {
            AnsiConsole.WriteLine($"No domains. Add one with: ragstack domains set <name> --index <index> [--adapter <file.gguf>] (stored in {folder.SettingsFile})");
            return 0;
        }

        var table = new Table().AddColumns("domain", "index", "adapter", "scale", "system prompt");
        foreach (var row in rows)
        {
            table.AddRow(
                Markup.Escape(row.name),
                Markup.Escape(row.index),
                Markup.Escape(row.adapter ?? "(base model)"),
                row.adapter is null ? "" : row.adapterScale.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(row.systemPrompt is null ? "" : DomainText.Short(row.systemPrompt)));
        }

        AnsiConsole.Write(table);
        return 0;
    }
}

/// <summary><c>ragstack domains set</c>: adds a domain, or changes the settings given, in the data folder's ragstack.json.</summary>
internal sealed class DomainsSetCommand : Command<DomainsSetCommand.Settings>
{
    internal sealed class Settings : CliSettings
    {
        [CommandArgument(0, "<NAME>")]
        [Description("The domain's name; its adapter is loaded under this name.")]
        public string Name { get; init; } = "";

        [CommandOption("-i|--index <NAME>")]
        [Description("The index its questions are answered from. Default: the index named like the domain.")]
        [IndexName]
        public string? Index { get; init; }

        [CommandOption("--adapter <FILE.gguf>")]
        [Description("A GGUF LoRA adapter for the generator model; stored as a full path.")]
        public string? Adapter { get; init; }

        [CommandOption("--scale <SCALE>")]
        [Description("How strongly the adapter applies: 1 as trained, 0 the base model. Default: 1.")]
        public float? Scale { get; init; }

        [CommandOption("--system-prompt <TEXT>")]
        [Description("Instructions added to the answer prompt's system message.")]
        public string? SystemPrompt { get; init; }

        [CommandOption("--no-adapter")]
        [Description("Remove the domain's adapter: it answers with the base model.")]
        public bool NoAdapter { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Name) ? ValidationResult.Error("The domain name is empty.")
            : Adapter is not null && NoAdapter ? ValidationResult.Error("--adapter and --no-adapter cannot be used together.")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var folder = DataFolder.Open(settings.ResolveDataDir(), requested: null);
        var adapter = settings.Adapter is null ? null : Path.GetFullPath(settings.Adapter);
        if (adapter is not null && !File.Exists(adapter))
        {
            Output.Error($"{adapter}: adapter file not found");
            return 1;
        }

        try
        {
            CliConfiguration.Update(folder.SettingsFile, root =>
            {
                var domains = CliConfiguration.DomainsObject(root, create: true)!;
                var existing = domains.FirstOrDefault(d => string.Equals(d.Key, settings.Name, StringComparison.OrdinalIgnoreCase));
                var domain = existing.Value as JsonObject ?? [];
                if (existing.Key is not null)
                {
                    domains.Remove(existing.Key);
                }

                Set(domain, nameof(DomainOptions.Index), settings.Index);
                Set(domain, nameof(DomainOptions.Adapter), adapter);
                Set(domain, nameof(DomainOptions.SystemPrompt), settings.SystemPrompt);
                if (settings.Scale is { } scale)
                {
                    domain[nameof(DomainOptions.AdapterScale)] = scale;
                }

                if (settings.NoAdapter)
                {
                    domain.Remove(nameof(DomainOptions.Adapter));
                    domain.Remove(nameof(DomainOptions.AdapterScale));
                }

                domains[settings.Name] = domain;
                // The edited file must still be valid configuration: checked before it replaces the old one.
                CliConfiguration.Domains(new ConfigurationBuilder()
                    .AddConfiguration(CliConfiguration.Load(folder))
                    .AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(root.ToJsonString())))
                    .Build());
                return true;
            });
        }
        catch (InvalidDataException e)
        {
            Output.Error($"{folder.SettingsFile}: {e.Message}");
            return 1;
        }

        if (settings.Json)
        {
            Output.Json(new { domain = settings.Name, file = folder.SettingsFile });
        }
        else
        {
            AnsiConsole.WriteLine($"Domain {settings.Name} saved in {folder.SettingsFile}");
        }

        return 0;
    }

    private static void Set(JsonObject domain, string name, string? value)
    {
        if (value is not null)
        {
            domain[name] = value;
        }
    }
}

/// <summary><c>ragstack domains remove</c>: deletes a domain from the data folder's ragstack.json.</summary>
internal sealed class DomainsRemoveCommand : Command<DomainsRemoveCommand.Settings>
{
    internal sealed class Settings : CliSettings
    {
        [CommandArgument(0, "<NAME>")]
        [Description("The domain to remove.")]
        public string Name { get; init; } = "";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var folder = DataFolder.Open(settings.ResolveDataDir(), requested: null);
        var removed = false;
        CliConfiguration.Update(folder.SettingsFile, root =>
        {
            var domains = CliConfiguration.DomainsObject(root, create: false);
            var key = domains?.FirstOrDefault(d => string.Equals(d.Key, settings.Name, StringComparison.OrdinalIgnoreCase)).Key;
            removed = key is not null && domains!.Remove(key);
            return removed;
        });
        if (!removed)
        {
            Output.Error($"{folder.SettingsFile}: no domain named '{settings.Name}' (environment variables RagStack__Domains__* are not edited here)");
            return 1;
        }

        if (settings.Json)
        {
            Output.Json(new { removed = settings.Name, file = folder.SettingsFile });
        }
        else
        {
            AnsiConsole.WriteLine($"Domain {settings.Name} removed from {folder.SettingsFile}");
        }

        return 0;
    }
}

/// <summary>How domain settings are shown in tables.</summary>
internal static class DomainText
{
    /// <summary>The first line of a long text, cut near 60 characters.</summary>
    public static string Short(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length <= 60 ? line : line[..59] + "…";
    }
}
