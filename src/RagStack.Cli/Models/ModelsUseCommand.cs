using System.ComponentModel;
using RagStack.Cli.Hosting;
using RagStack.Models.Catalog;
using Spectre.Console;
using Spectre.Console.Cli;

namespace RagStack.Cli.Models;

/// <summary><c>ragstack models use</c>: chooses the model <c>ask</c> uses when it is given no <c>--model</c>.</summary>
internal sealed class ModelsUseCommand : Command<ModelsUseCommand.Settings>
{
    internal sealed class Settings : CliSettings
    {
        [CommandArgument(0, "<NAME|PATH>")]
        [Description("An installed model's name (see 'ragstack models list') or the path of a .gguf file.")]
        public string Model { get; init; } = "";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var store = ModelStore.Open(settings.ResolveDataDir());
        string path;
        try
        {
            path = store.SetDefault(settings.Model);
        }
        catch (ModelNotFoundException ex)
        {
            Output.Error($"{settings.Model}: {ex.Message}");
            return 1;
        }

        if (settings.Json)
        {
            Output.Json(new { @default = path });
            return 0;
        }

        AnsiConsole.MarkupLine($"Default model for ask: {Markup.Escape(path)}");
        return 0;
    }
}
