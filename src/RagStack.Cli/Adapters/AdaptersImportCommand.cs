using System.ComponentModel;
using RagStack.Cli.Hosting;
using RagStack.Models.Adapters;
using RagStack.Models.Gguf;
using RagStack.Models.Safetensors;
using Spectre.Console;
using Spectre.Console.Cli;

namespace RagStack.Cli.Adapters;

/// <summary><c>ragstack adapters import</c>: a Hugging Face PEFT LoRA adapter converted to the GGUF LoRA llama.cpp loads.</summary>
internal sealed class AdaptersImportCommand : Command<AdaptersImportCommand.Settings>
{
    internal sealed class Settings : CliSettings
    {
        [CommandOption("--peft <DIR>")]
        [Description("The PEFT adapter folder (adapter_config.json + adapter_model.safetensors, as save_pretrained writes it).")]
        public string Peft { get; init; } = "";

        [CommandOption("--base <GGUF>")]
        [Description("The base model the adapter was trained on, as GGUF; every adapter tensor is checked against it.")]
        public string Base { get; init; } = "";

        [CommandOption("--out <GGUF>")]
        [Description("Where to write the GGUF LoRA adapter; written only when the whole conversion succeeds.")]
        public string Out { get; init; } = "";

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Peft) ? ValidationResult.Error("--peft <DIR> is required.")
            : string.IsNullOrWhiteSpace(Base) ? ValidationResult.Error("--base <GGUF> is required.")
            : string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out <GGUF> is required.")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        PeftImportResult result;
        try
        {
            result = PeftAdapterImporter.Import(settings.Peft, settings.Base, settings.Out);
        }
        catch (Exception e) when (e is AdapterImportException or SafetensorsFormatException)
        {
            Output.Error(e.Message);
            return 1;
        }
        catch (GgufFormatException e)
        {
            Output.Error($"{settings.Base}: {e.Reason}");
            return 1;
        }
        catch (IOException e)
        {
            Output.Error($"{settings.Out}: {e.Message}");
            return 1;
        }

        if (settings.Json)
        {
            Output.Json(new
            {
                output = result.OutputPath,
                rank = result.Rank,
                alpha = result.Alpha,
                targetModules = result.TargetModules,
                tensors = result.TensorCount,
                layers = result.Layers,
            });
            return 0;
        }

        AnsiConsole.MarkupLine(
            $"{Markup.Escape(result.OutputPath)}: LoRA r = {result.Rank}, alpha = {result.Alpha:0.###}, {Markup.Escape(string.Join(", ", result.TargetModules))} in {result.Layers.Count} layers ({result.TensorCount} tensors)");
        AnsiConsole.MarkupLine($"next: ragstack adapters eval --base {Markup.Escape(settings.Base)} --adapter {Markup.Escape(result.OutputPath)} --text <held-out text>");
        return 0;
    }
}
