using System.ComponentModel;
using RagStack.Cli.Hosting;
using RagStack.Models.Gguf;
using RagStack.Models.HuggingFace;
using Spectre.Console;
using Spectre.Console.Cli;

namespace RagStack.Cli.Models;

/// <summary><c>ragstack models import-hf</c>: a Hugging Face LlamaForCausalLM folder as a GGUF model llama.cpp serves (the inverse of export-hf).</summary>
internal sealed class ModelsImportHfCommand : AsyncCommand<ModelsImportHfCommand.Settings>
{
    internal sealed class Settings : CliSettings
    {
        [CommandArgument(0, "<DIR>")]
        [Description("The Hugging Face folder: config.json (LlamaForCausalLM) and model.safetensors (F32, F16 or BF16).")]
        public string Directory { get; init; } = "";

        [CommandArgument(1, "<GGUF>")]
        [Description("Where to write the GGUF model; replaced only when the import succeeds.")]
        public string Output { get; init; } = "";

        [CommandOption("--vocab <GGUF>")]
        [Description("The GGUF whose tokenizer the model was trained with (a vocabulary-only GGUF such as ggml-vocab-llama-spm.gguf, or a model).")]
        public string Vocabulary { get; init; } = "";

        [CommandOption("-t|--type <TYPE>")]
        [Description("Weight matrices as F32, F16 or BF16 (norms stay F32). Default: F32; quantize further with 'ragstack models quantize'.")]
        [DefaultValue(GgufTensorType.F32)]
        public GgufTensorType Type { get; init; } = GgufTensorType.F32;

        [CommandOption("--name <NAME>")]
        [Description("general.name in the GGUF. Default: the folder's name.")]
        public string? Name { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrEmpty(Vocabulary) ? ValidationResult.Error("--vocab is required: the GGUF whose tokenizer the model was trained with.")
            : Type is not (GgufTensorType.F32 or GgufTensorType.F16 or GgufTensorType.BF16) ? ValidationResult.Error("--type must be F32, F16 or BF16.")
            : ValidationResult.Success();
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (!File.Exists(settings.Vocabulary))
        {
            Hosting.Output.Error($"{settings.Vocabulary}: no such file");
            return Task.FromResult(1);
        }

        HuggingFaceImportResult result;
        try
        {
            result = HuggingFaceImporter.Import(settings.Directory, settings.Vocabulary, settings.Output, settings.Type, settings.Name);
        }
        catch (HuggingFaceFormatException e)
        {
            Hosting.Output.Error(e.Message);
            return Task.FromResult(1);
        }
        catch (GgufFormatException e)
        {
            Hosting.Output.Error(e.Message);
            return Task.FromResult(1);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Hosting.Output.Error($"{settings.Output}: {e.Message}");
            return Task.FromResult(1);
        }

        if (settings.Json)
        {
            Hosting.Output.Json(new
            {
                output = result.OutputPath,
                type = settings.Type.ToString(),
                parameterCount = result.ParameterCount,
                tensorCount = result.TensorCount,
                tiedWordEmbeddings = result.TiedWordEmbeddings,
                vocabularySize = result.VocabularySize,
            });
            return Task.FromResult(0);
        }

        Console.Out.WriteLine($"wrote {result.OutputPath} ({ModelFormat.Bytes(new FileInfo(result.OutputPath).Length)}, {settings.Type})");
        Console.Out.WriteLine($"{ModelFormat.Parameters(result.ParameterCount)} parameters in {result.TensorCount} tensors, {result.VocabularySize:N0} tokens{(result.TiedWordEmbeddings ? ", output tied to the embeddings" : "")}");
        return Task.FromResult(0);
    }
}
