using System.ComponentModel;
using System.Diagnostics;
using RagStack.Cli.Hosting;
using RagStack.LlamaSharp.Quantization;
using RagStack.Models.Gguf;
using Spectre.Console;
using Spectre.Console.Cli;

namespace RagStack.Cli.Models;

/// <summary><c>ragstack models quantize</c>: llama.cpp's quantizer on a GGUF model, with the size and bits per weight before and after.</summary>
internal sealed class ModelsQuantizeCommand : AsyncCommand<ModelsQuantizeCommand.Settings>
{
    internal sealed class Settings : CliSettings
    {
        [CommandArgument(0, "<INPUT>")]
        [Description("The F32, F16 or BF16 GGUF model to quantize.")]
        public string Input { get; init; } = "";

        [CommandArgument(1, "<OUTPUT>")]
        [Description("Where to write the quantized model; replaced only when quantization succeeds.")]
        public string Output { get; init; } = "";

        [CommandOption("-t|--type <TYPE>")]
        [Description("Quantization: F16, BF16, Q8_0, Q6_K, Q5_K_M, Q5_K_S, Q5_1, Q5_0, Q4_K_M, Q4_K_S, Q4_1, Q4_0, Q3_K_L, Q3_K_M, Q3_K_S, Q2_K. Default: Q4_K_M.")]
        [DefaultValue(GgufQuantizationType.Q4_K_M)]
        public GgufQuantizationType Type { get; init; } = GgufQuantizationType.Q4_K_M;

        [CommandOption("--threads <N>")]
        [Description("Threads to use. Default: 0, every core.")]
        [DefaultValue(0)]
        public int Threads { get; init; }

        public override ValidationResult Validate() =>
            Threads < 0 ? ValidationResult.Error("--threads must be 0 or more.") : ValidationResult.Success();
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            GgufQuantizer.Quantize(settings.Input, settings.Output, settings.Type, settings.Threads);
        }
        catch (FileNotFoundException)
        {
            Hosting.Output.Error($"{settings.Input}: no such file");
            return Task.FromResult(1);
        }
        catch (GgufFormatException e)
        {
            Hosting.Output.Error($"{settings.Input}: {e.Reason}");
            return Task.FromResult(1);
        }
        catch (GgufQuantizationException e)
        {
            Hosting.Output.Error(e.Message);
            return Task.FromResult(1);
        }

        clock.Stop();
        var input = GgufModelInfo.Read(settings.Input);
        var output = GgufModelInfo.Read(settings.Output);
        if (settings.Json)
        {
            Hosting.Output.Json(new
            {
                input = new { path = input.Path, fileType = input.FileType, fileSize = input.FileSize, bitsPerWeight = input.BitsPerWeight },
                output = new { path = output.Path, fileType = output.FileType, fileSize = output.FileSize, bitsPerWeight = output.BitsPerWeight },
                parameterCount = output.ParameterCount,
                seconds = clock.Elapsed.TotalSeconds,
            });
            return Task.FromResult(0);
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumns("", "file type", "size", "bits per weight");
        table.AddRow("input", Markup.Escape(input.FileType), ModelFormat.Bytes(input.FileSize), ModelFormat.Bits(input.BitsPerWeight));
        table.AddRow("output", Markup.Escape(output.FileType), ModelFormat.Bytes(output.FileSize), ModelFormat.Bits(output.BitsPerWeight));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"{Markup.Escape(settings.Output)}: {ModelFormat.Parameters(output.ParameterCount)} parameters, quantized in {clock.Elapsed.TotalSeconds:0.0} s");
        return Task.FromResult(0);
    }
}
