using System.ComponentModel;
using RagStack.Cli.Hosting;
using RagStack.Models.Gguf;
using Spectre.Console;
using Spectre.Console.Cli;

namespace RagStack.Cli.Models;

/// <summary><c>ragstack models inspect</c>: what a GGUF model is (shape, size, quantization, tokenizer, chat template) without loading it.</summary>
internal sealed class ModelsInspectCommand : AsyncCommand<ModelsInspectCommand.Settings>
{
    private const int TemplatePreviewLength = 300;

    internal sealed class Settings : CliSettings
    {
        [CommandArgument(0, "<GGUF>")]
        [Description("The GGUF model file.")]
        public string Model { get; init; } = "";
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (!File.Exists(settings.Model))
        {
            Output.Error($"{settings.Model}: no such file");
            return Task.FromResult(1);
        }

        GgufModelInfo info;
        try
        {
            info = GgufModelInfo.Read(settings.Model);
        }
        catch (GgufFormatException e)
        {
            Output.Error($"{settings.Model}: {e.Reason}");
            return Task.FromResult(1);
        }

        if (settings.Json)
        {
            Output.Json(new
            {
                path = info.Path,
                architecture = info.Architecture,
                name = info.Name,
                parameterCount = info.ParameterCount,
                fileType = info.FileType,
                tensorTypeCounts = info.TensorTypeCounts.ToDictionary(p => p.Key.ToString(), p => p.Value),
                bitsPerWeight = info.BitsPerWeight,
                fileSize = info.FileSize,
                contextLength = info.ContextLength,
                embeddingLength = info.EmbeddingLength,
                layers = info.Layers,
                heads = info.Heads,
                kvHeads = info.KvHeads,
                vocabularySize = info.VocabularySize,
                tokenizerModel = info.TokenizerModel,
                chatTemplate = info.ChatTemplate,
            });
            return Task.FromResult(0);
        }

        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(Path.GetFileName(info.Path))).AddColumn("field").AddColumn("value");
        table.AddRow("architecture", Markup.Escape(info.Architecture));
        table.AddRow("name", Markup.Escape(info.Name ?? "-"));
        table.AddRow("parameters", ModelFormat.Parameters(info.ParameterCount));
        table.AddRow("file type", Markup.Escape(info.FileType));
        table.AddRow("tensor types", string.Join(", ", info.TensorTypeCounts.Select(p => $"{p.Key} x{p.Value}")));
        table.AddRow("bits per weight", ModelFormat.Bits(info.BitsPerWeight));
        table.AddRow("file size", ModelFormat.Bytes(info.FileSize));
        table.AddRow("context length", ModelFormat.Number(info.ContextLength));
        table.AddRow("embedding length", ModelFormat.Number(info.EmbeddingLength));
        table.AddRow("layers", ModelFormat.Number(info.Layers));
        table.AddRow("heads", ModelFormat.Number(info.Heads));
        table.AddRow("kv heads", ModelFormat.Number(info.KvHeads));
        table.AddRow("vocabulary size", ModelFormat.Number(info.VocabularySize));
        table.AddRow("tokenizer", Markup.Escape(info.TokenizerModel ?? "-"));
        table.AddRow("chat template", info.ChatTemplate is { } template
            ? Markup.Escape(Preview(template))
            : "none (RagStack's plain-text fallback is used)");
        AnsiConsole.Write(table);
        return Task.FromResult(0);
    }

    /// <summary>Templates run to kilobytes of Jinja; one collapsed line is enough to recognise which one a model ships.</summary>
    private static string Preview(string template)
    {
        var flat = string.Join(' ', template.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= TemplatePreviewLength ? flat : $"{flat[..TemplatePreviewLength]}… ({template.Length} characters)";
    }
}
