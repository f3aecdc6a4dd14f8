using System.ComponentModel;
using RagStack.Cli.Arguments;
using RagStack.Cli.Hosting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace RagStack.Cli.Adapters;

/// <summary>Options of the commands that turn an index's text and text files into training data for a base model.</summary>
internal class AdapterDataSettings : CliSettings
{
    [CommandOption("--base <GGUF>")]
    [Description("The base model (GGUF); its tokenizer turns the text into token ids.")]
    public string Base { get; init; } = "";

    [CommandOption("-i|--index <NAME>")]
    [Description("Train on every chunk of this index's ready documents.")]
    [IndexName]
    public string? Index { get; init; }

    [CommandOption("--text <FILE>")]
    [Description("A text file to train on as well (repeat for several).")]
    public string[] Text { get; init; } = [];

    [CommandOption("-o|--out <FILE>")]
    [Description("Where to write the result.")]
    public string Out { get; init; } = "";

    [CommandOption("--tenant <TENANT>", IsHidden = true)]
    [DefaultValue("local")]
    public string Tenant { get; init; } = "local";

    public override ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(Base) ? ValidationResult.Error("--base <GGUF> is required.")
        : string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out <FILE> is required.")
        : Index is null && Text.Length == 0 ? ValidationResult.Error("Give --index, --text or both: there is nothing to train on.")
        : ValidationResult.Success();

    /// <summary>Reads and tokenizes the text, or prints one error line and returns null.</summary>
    public async Task<List<int[]>?> ReadSequencesAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Base))
        {
            Output.Error($"{Base}: no such file");
            return null;
        }

        try
        {
            var texts = await TrainingTokens.ReadTextsAsync(ResolveDataDir(), Tenant, Index, Text, cancellationToken);
            return TrainingTokens.Tokenize(Base, texts);
        }
        catch (TrainingDataException e)
        {
            Output.Error(e.Message);
            return null;
        }
    }
}
