using System.ComponentModel;
using RagStack.Cli.Hosting;
using RagStack.Models.Gguf;
using RagStack.Models.HuggingFace;
using Spectre.Console.Cli;

namespace RagStack.Cli.Models;

/// <summary><c>ragstack models export-hf</c>: a llama GGUF base model as the Hugging Face folder PEFT trains a LoRA on.</summary>
internal sealed class ModelsExportHfCommand : AsyncCommand<ModelsExportHfCommand.Settings>
{
    /// <summary>Where the PEFT recipe lives in the repository, for the next-step hint.</summary>
    private const string TrainingScript = "src/RagStack.Training/peft/train_lora.py";

    internal sealed class Settings : CliSettings
    {
        [CommandArgument(0, "<GGUF>")]
        [Description("The llama base model: F32, F16, BF16 or Q8_0 weights (k-quants cannot be read back as floats).")]
        public string Gguf { get; init; } = "";

        [CommandArgument(1, "<DIR>")]
        [Description("The folder to write config.json and model.safetensors (F32) into; created if missing.")]
        public string Directory { get; init; } = "";
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        HuggingFaceExportResult result;
        try
        {
            result = HuggingFaceExporter.Export(settings.Gguf, settings.Directory);
        }
        catch (FileNotFoundException)
        {
            Hosting.Output.Error($"{settings.Gguf}: no such file");
            return Task.FromResult(1);
        }
        catch (GgufFormatException e)
        {
            Hosting.Output.Error($"{settings.Gguf}: {e.Reason}");
            return Task.FromResult(1);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Hosting.Output.Error($"{settings.Directory}: {e.Message}");
            return Task.FromResult(1);
        }

        var next = $"python {TrainingScript} --model {settings.Directory} --data train.jsonl --out <ADAPTER_DIR>";
        if (settings.Json)
        {
            Hosting.Output.Json(new
            {
                outputDirectory = result.OutputDirectory,
                files = new[] { result.ConfigPath, result.WeightsPath },
                parameterCount = result.ParameterCount,
                tensorCount = result.TensorCount,
                tiedWordEmbeddings = result.TiedWordEmbeddings,
                next,
            });
            return Task.FromResult(0);
        }

        // Plain lines, neither markup nor wrapped to the console width: paths and the command must stay whole to be copied.
        Console.Out.WriteLine($"wrote {result.ConfigPath}");
        Console.Out.WriteLine($"wrote {result.WeightsPath} ({ModelFormat.Bytes(new FileInfo(result.WeightsPath).Length)}, F32)");
        Console.Out.WriteLine($"{ModelFormat.Parameters(result.ParameterCount)} parameters in {result.TensorCount} tensors{(result.TiedWordEmbeddings ? ", lm_head tied to the embeddings" : "")}");
        Console.Out.WriteLine("next: train a LoRA on it with PEFT, from token ids (JSON lines {\"input_ids\": [1, ...]}):");
        Console.Out.WriteLine($"  {next}");
        Console.Out.WriteLine($"then: ragstack adapters import --peft <ADAPTER_DIR> --base {settings.Gguf} --out <ADAPTER>.gguf");
        return Task.FromResult(0);
    }
}
