using System.ComponentModel;
using System.Globalization;
using RagStack.Cli.Hosting;
using RagStack.LlamaSharp.Adapters;
using RagStack.Models.Gguf;
using Spectre.Console;
using Spectre.Console.Cli;

namespace RagStack.Cli.Adapters;

/// <summary><c>ragstack adapters eval</c>: perplexity of a held-out text under the base model and under base + adapter, through llama.cpp.</summary>
internal sealed class AdaptersEvalCommand : Command<AdaptersEvalCommand.Settings>
{
    internal sealed class Settings : CliSettings
    {
        [CommandOption("--base <GGUF>")]
        [Description("The base model, as GGUF.")]
        public string Base { get; init; } = "";

        [CommandOption("--adapter <GGUF>")]
        [Description("The GGUF LoRA adapter to measure (from adapters train or adapters import).")]
        public string Adapter { get; init; } = "";

        [CommandOption("--text <FILE>")]
        [Description("Held-out text (UTF-8) to measure on; text the adapter was not trained on.")]
        public string Text { get; init; } = "";

        [CommandOption("--scale <SCALE>")]
        [Description("Scale the adapter is applied with. Default: 1.")]
        [DefaultValue(1f)]
        public float Scale { get; init; } = 1f;

        [CommandOption("--window <TOKENS>")]
        [Description("Tokens per window, BOS included. Default: 0, the model's training context (at most 512).")]
        [DefaultValue(0)]
        public int Window { get; init; }

        [CommandOption("--threads <N>")]
        [Description("Threads for llama.cpp. Default: 0, every core.")]
        [DefaultValue(0)]
        public int Threads { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Base) ? ValidationResult.Error("--base <GGUF> is required.")
            : string.IsNullOrWhiteSpace(Adapter) ? ValidationResult.Error("--adapter <GGUF> is required.")
            : string.IsNullOrWhiteSpace(Text) ? ValidationResult.Error("--text <FILE> is required.")
            : Window is < 0 or 1 ? ValidationResult.Error("--window must be 0 (the model's context) or at least 2.")
            : Threads < 0 ? ValidationResult.Error("--threads must be 0 or more.")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (!File.Exists(settings.Text))
        {
            Output.Error($"{settings.Text}: no such file");
            return 1;
        }

        var text = File.ReadAllText(settings.Text);
        if (string.IsNullOrWhiteSpace(text))
        {
            Output.Error($"{settings.Text}: the file has no text to measure");
            return 1;
        }

        AdapterPerplexityReport report;
        try
        {
            report = AdapterPerplexity.Measure(
                settings.Base,
                settings.Adapter,
                text,
                new AdapterPerplexityOptions { Scale = settings.Scale, WindowTokens = settings.Window, Threads = settings.Threads },
                cancellationToken);
        }
        catch (FileNotFoundException e)
        {
            Output.Error($"{e.FileName}: no such file");
            return 1;
        }
        catch (InvalidDataException e)
        {
            Output.Error(e.Message);
            return 1;
        }
        catch (GgufFormatException e)
        {
            Output.Error($"{settings.Base}: {e.Reason}");
            return 1;
        }

        if (settings.Json)
        {
            Output.Json(new
            {
                baseModel = settings.Base,
                adapter = settings.Adapter,
                text = settings.Text,
                scale = report.Scale,
                tokens = report.TokensScored,
                windows = report.Windows,
                windowTokens = report.WindowTokens,
                basePerplexity = report.BasePerplexity,
                adapterPerplexity = report.AdapterPerplexity,
                change = report.Change,
                scaleZeroMaxLogitDifference = report.ScaleZeroMaxLogitDifference,
                seconds = report.Elapsed.TotalSeconds,
            });
            return 0;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumns("model", "perplexity", "change");
        table.AddRow("base", F(report.BasePerplexity), "");
        table.AddRow($"base + adapter (scale {report.Scale.ToString("0.##", CultureInfo.InvariantCulture)})", F(report.AdapterPerplexity), report.Change.ToString("+0.0 %;-0.0 %", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(
            $"{report.TokensScored} tokens of {Markup.Escape(settings.Text)} in {report.Windows} windows of {report.WindowTokens}; " +
            $"at scale 0 the largest logit difference from the base is {report.ScaleZeroMaxLogitDifference.ToString("G3", CultureInfo.InvariantCulture)}" +
            $"{(report.ScaleZeroMaxLogitDifference == 0 ? " (identical)" : "")}; {report.Elapsed.TotalSeconds:0.0} s");
        return 0;
    }

    private static string F(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
