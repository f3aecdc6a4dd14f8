using System.Text.Json;
using RagStack.Cli.Hosting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace RagStack.Cli.Adapters;

/// <summary><c>ragstack adapters dataset</c>: an index's text as token ids, one JSON line <c>{"input_ids":[…]}</c> per chunk or file, for the PEFT training script.</summary>
internal sealed class AdaptersDatasetCommand : AsyncCommand<AdapterDataSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, AdapterDataSettings settings, CancellationToken cancellationToken)
    {
        var sequences = await settings.ReadSequencesAsync(cancellationToken);
        if (sequences is null)
        {
            return 1;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(settings.Out))!;
        Directory.CreateDirectory(directory);
        var temporary = settings.Out + ".tmp";
        await using (var writer = new StreamWriter(temporary))
        {
            foreach (var sequence in sequences)
            {
                await writer.WriteLineAsync(JsonSerializer.Serialize(new Line(sequence)).AsMemory(), cancellationToken);
            }
        }

        File.Move(temporary, settings.Out, overwrite: true);
        var tokens = sequences.Sum(s => (long)s.Length);
        if (settings.Json)
        {
            Output.Json(new { path = Path.GetFullPath(settings.Out), sequences = sequences.Count, tokens });
        }
        else
        {
            AnsiConsole.MarkupLine($"Wrote {sequences.Count:N0} sequences ({tokens:N0} tokens) to {Markup.Escape(settings.Out)}");
        }

        return 0;
    }

    private sealed record Line([property: System.Text.Json.Serialization.JsonPropertyName("input_ids")] int[] InputIds);
}
