using System.ComponentModel;
using RagStack.Cli.Hosting;
using RagStack.Models.Gguf;
using RagStack.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace RagStack.Cli.Adapters;

/// <summary><c>ragstack adapters train</c>: trains a LoRA adapter on an index's text with the .NET trainer and writes it as a GGUF adapter.</summary>
internal sealed class AdaptersTrainCommand : AsyncCommand<AdaptersTrainCommand.Settings>
{
    private static readonly LoraTrainingOptions Defaults = new();

    internal sealed class Settings : AdapterDataSettings
    {
        [CommandOption("--name <NAME>")]
        [Description("The adapter's general.name. Default: the output file's name.")]
        public string? Name { get; init; }

        [CommandOption("--eval-text <FILE>")]
        [Description("Held-out text: its perplexity is printed before and after training.")]
        public string? EvalText { get; init; }

        [CommandOption("--rank <R>")]
        [Description("LoRA rank. Default: 16.")]
        public int? Rank { get; init; }

        [CommandOption("--alpha <ALPHA>")]
        [Description("LoRA alpha; updates are scaled by alpha / rank. Default: 32.")]
        public double? Alpha { get; init; }

        [CommandOption("--dropout <P>")]
        [Description("LoRA dropout. Default: 0.05.")]
        public double? Dropout { get; init; }

        [CommandOption("--targets <MODULES>")]
        [Description("Comma-separated projections to adapt: q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj. Default: q_proj,v_proj.")]
        public string? Targets { get; init; }

        [CommandOption("--learning-rate <LR>")]
        [Description("Peak AdamW learning rate, decayed linearly. Default: 5e-3 (higher than PEFT's 2e-4: small models, few steps).")]
        public double? LearningRate { get; init; }

        [CommandOption("--epochs <N>")]
        [Description("Passes over the data. Default: 5.")]
        public int? Epochs { get; init; }

        [CommandOption("--batch-size <N>")]
        [Description("Windows per micro-batch. Default: 4.")]
        public int? BatchSize { get; init; }

        [CommandOption("--grad-accum <N>")]
        [Description("Micro-batches per optimizer step. Default: 1 (PEFT's 4 leaves a small corpus too few steps).")]
        public int? GradientAccumulation { get; init; }

        [CommandOption("--seq-len <N>")]
        [Description("Most tokens per training window. Default: 256.")]
        public int? SequenceLength { get; init; }

        [CommandOption("--weight-decay <W>")]
        [Description("AdamW weight decay. Default: 0.")]
        public double? WeightDecay { get; init; }

        [CommandOption("--seed <N>")]
        [Description("Seed of initialisation, order and dropout. Default: 42.")]
        public int? Seed { get; init; }

        public LoraTrainingOptions Options() => new()
        {
            Rank = Rank ?? Defaults.Rank,
            Alpha = Alpha ?? Defaults.Alpha,
            Dropout = Dropout ?? Defaults.Dropout,
            TargetModules = Targets is null ? Defaults.TargetModules : [.. Targets.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
            LearningRate = LearningRate ?? Defaults.LearningRate,
            Epochs = Epochs ?? Defaults.Epochs,
            BatchSize = BatchSize ?? Defaults.BatchSize,
            GradientAccumulation = GradientAccumulation ?? Defaults.GradientAccumulation,
            SequenceLength = SequenceLength ?? Defaults.SequenceLength,
            WeightDecay = WeightDecay ?? Defaults.WeightDecay,
            Seed = Seed ?? Defaults.Seed,
        };

        public override ValidationResult Validate()
        {
            var result = base.Validate();
            if (!result.Successful)
            {
                return result;
            }

            try
            {
                Options().Validate();
                return ValidationResult.Success();
            }
            catch (ArgumentException e)
            {
                return ValidationResult.Error(e.Message);
            }
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // Refuse a base the trainer cannot use before spending time on tokenizing.
        if (File.Exists(settings.Base) && !CheckBase(settings.Base))
        {
            return 1;
        }

        var sequences = await settings.ReadSequencesAsync(cancellationToken);
        if (sequences is null)
        {
            return 1;
        }

        var options = settings.Options();
        List<int[]>? heldOut = null;
        if (settings.EvalText is not null)
        {
            if (!File.Exists(settings.EvalText))
            {
                Output.Error($"{settings.EvalText}: no such file");
                return 1;
            }

            heldOut = TrainingTokens.Tokenize(settings.Base, [await File.ReadAllTextAsync(settings.EvalText, cancellationToken)]);
        }

        var tokens = sequences.Sum(s => (long)s.Length);
        if (!settings.Json)
        {
            AnsiConsole.MarkupLine($"Training on {sequences.Count:N0} sequences ({tokens:N0} tokens) with {Markup.Escape(Path.GetFileName(settings.Base))}: rank {options.Rank}, alpha {options.Alpha}, {Markup.Escape(string.Join(",", options.TargetModules))}, lr {options.LearningRate}, {options.Epochs} epochs");
        }

        LoraTrainingResult result;
        double? lossBefore = null, lossAfter = null;
        try
        {
            lossBefore = heldOut is null ? null : LoraTrainer.MeanLoss(settings.Base, heldOut, sequenceLength: options.SequenceLength);
            result = settings.Json
                ? await Task.Run(() => LoraTrainer.Train(settings.Base, sequences, options, null, cancellationToken), cancellationToken)
                : await TrainWithProgressAsync(settings.Base, sequences, options, cancellationToken);
            lossAfter = heldOut is null ? null : LoraTrainer.MeanLoss(settings.Base, heldOut, result, options.SequenceLength);
        }
        catch (TrainingModelException e)
        {
            Output.Error(e.Message);
            return 1;
        }
        catch (ArgumentException e)
        {
            Output.Error($"{settings.Base}: {e.Message}");
            return 1;
        }

        var name = settings.Name ?? Path.GetFileNameWithoutExtension(settings.Out);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(settings.Out))!);
        result.Save(settings.Out, name);
        if (settings.Json)
        {
            Output.Json(new
            {
                path = Path.GetFullPath(settings.Out),
                result.Steps,
                result.Tokens,
                seconds = result.Elapsed.TotalSeconds,
                result.TokensPerSecond,
                result.FinalLoss,
                result.TrainableParameters,
                result.AllParameters,
                heldOutPerplexityBefore = lossBefore is { } b ? Math.Exp(b) : (double?)null,
                heldOutPerplexityAfter = lossAfter is { } a ? Math.Exp(a) : (double?)null,
            });
            return 0;
        }

        AnsiConsole.WriteLine(result.TrainableParametersLine);
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("steps", $"{result.Steps:N0}");
        grid.AddRow("tokens", $"{result.Tokens:N0}");
        grid.AddRow("time", $"{result.Elapsed.TotalSeconds:0.0} s");
        grid.AddRow("tokens/s", $"{result.TokensPerSecond:N0}");
        grid.AddRow("final loss", $"{result.FinalLoss:0.000}");
        if (lossBefore is { } before && lossAfter is { } after)
        {
            grid.AddRow("held-out perplexity", $"{Math.Exp(before):0.00} → {Math.Exp(after):0.00} ({(Math.Exp(after) / Math.Exp(before)) - 1:+0.0%;-0.0%})");
        }

        grid.AddRow("adapter", Markup.Escape(Path.GetFullPath(settings.Out)));
        AnsiConsole.Write(grid);
        return 0;
    }

    private static bool CheckBase(string path)
    {
        try
        {
            LoraTrainer.CheckBaseModel(path);
            return true;
        }
        catch (TrainingModelException e)
        {
            Output.Error(e.Message);
        }
        catch (GgufFormatException e)
        {
            Output.Error($"{path}: {e.Reason}");
        }

        return false;
    }

    private static Task<LoraTrainingResult> TrainWithProgressAsync(string baseModel, List<int[]> sequences, LoraTrainingOptions options, CancellationToken cancellationToken) =>
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask("training", maxValue: 1);
                var report = new Progress<LoraTrainingProgress>(p =>
                {
                    task.MaxValue = p.TotalSteps;
                    task.Value = p.Step;
                    task.Description = $"epoch {p.Epoch}/{options.Epochs}, step {p.Step}/{p.TotalSteps}, loss {p.Loss:0.000}";
                });
                var result = await Task.Run(() => LoraTrainer.Train(baseModel, sequences, options, report, cancellationToken), cancellationToken);
                task.Value = task.MaxValue;
                return result;
            });
}
