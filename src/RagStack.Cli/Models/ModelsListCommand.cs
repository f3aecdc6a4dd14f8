using RagStack.Cli.Hosting;
using RagStack.Models.Catalog;
using Spectre.Console;
using Spectre.Console.Cli;

namespace RagStack.Cli.Models;

/// <summary><c>ragstack models list</c>: the models that can be pulled by name, and those installed in the data folder with the default marked.</summary>
internal sealed class ModelsListCommand : Command<CliSettings>
{
    public override int Execute(CommandContext context, CliSettings settings, CancellationToken cancellationToken)
    {
        var store = ModelStore.Open(settings.ResolveDataDir());
        var installed = store.List();
        var defaultPath = store.DefaultModelPath;
        bool IsInstalled(CatalogModel m) => installed.Any(i => string.Equals(Path.GetFileName(i.Path), m.FileName, StringComparison.OrdinalIgnoreCase));

        if (settings.Json)
        {
            Output.Json(new
            {
                modelsDirectory = store.ModelsDirectory,
                @default = defaultPath,
                catalogue = ModelCatalog.Models.Select(m => new
                {
                    name = m.Name,
                    repository = m.Repository,
                    file = m.FileName,
                    url = m.Url,
                    sizeBytes = m.SizeBytes,
                    license = m.License,
                    sha256 = m.Sha256,
                    installed = IsInstalled(m),
                }),
                installed = installed.Select(m => new
                {
                    name = m.Name,
                    file = Path.GetFileName(m.Path),
                    path = m.Path,
                    sizeBytes = m.SizeBytes,
                    sha256 = m.Sha256,
                    checksumVerified = m.ChecksumVerified,
                    source = m.SourceUrl,
                    pulledAt = m.PulledAt,
                    registered = m.Registered,
                    isDefault = m.Path == defaultPath,
                }),
            });
            return 0;
        }

        var catalogue = new Table().Border(TableBorder.Rounded).Title("Catalogue: ragstack models pull <name>").AddColumns("name", "size", "licence", "checksum", "installed");
        foreach (var m in ModelCatalog.Models)
        {
            catalogue.AddRow(Markup.Escape(m.Name), ByteSize.Format(m.SizeBytes), Markup.Escape(m.License), m.Sha256 is null ? "[grey]none published[/]" : "published", IsInstalled(m) ? "[green]yes[/]" : "");
        }

        AnsiConsole.Write(catalogue);
        if (installed.Count == 0)
        {
            AnsiConsole.MarkupLine($"No models installed in {Markup.Escape(store.ModelsDirectory)}. Pull one: ragstack models pull {ModelCatalog.Models[0].Name}");
            return 0;
        }

        var table = new Table().Border(TableBorder.Rounded).Title($"Installed in {Markup.Escape(store.ModelsDirectory)}").AddColumns("", "name", "file", "size", "sha256");
        foreach (var m in installed)
        {
            var sha = m.Sha256 is null ? "[grey]copied by hand[/]" : m.Sha256[..12] + (m.ChecksumVerified ? " verified" : " [grey]computed[/]");
            table.AddRow(m.Path == defaultPath ? "[bold]*[/]" : "", Markup.Escape(m.Name), Markup.Escape(Path.GetFileName(m.Path)), ByteSize.Format(m.SizeBytes), sha);
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(defaultPath is null
            ? "No default model: choose one for ask with 'ragstack models use <name>'."
            : "* the default model for ask (change it with 'ragstack models use <name>').");
        return 0;
    }
}
