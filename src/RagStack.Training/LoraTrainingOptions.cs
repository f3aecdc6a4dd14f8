namespace RagStack.Training;

/// <summary>Settings of one LoRA training run of the .NET trainer, with defaults that train small models (see each member).</summary>
public sealed record LoraTrainingOptions
{
    /// <summary>Projections that can carry an adapter, by their PEFT names.</summary>
    public static readonly IReadOnlyList<string> KnownModules = RagStack.Models.Adapters.LoraAdapterFile.TargetModules;

    /// <summary>LoRA rank <c>r</c>: the inner width of each B·A update (PEFT's <c>r</c>).</summary>
    public int Rank { get; init; } = 16;

    /// <summary>LoRA alpha: the update is scaled by <c>Alpha / Rank</c> (PEFT's <c>lora_alpha</c>).</summary>
    public double Alpha { get; init; } = 32;

    /// <summary>Probability of zeroing an element of an adapter's input during training (PEFT's <c>lora_dropout</c>).</summary>
    public double Dropout { get; init; } = 0.05;

    /// <summary>Projections to adapt, by PEFT name (<see cref="KnownModules"/>).</summary>
    public IReadOnlyList<string> TargetModules { get; init; } = ["q_proj", "v_proj"];

    /// <summary>
    /// Peak AdamW learning rate, decayed linearly to zero. 5e-3 rather than PEFT's usual 2e-4: the models this trainer can
    /// afford on a CPU are tiny and see a few hundred steps, where 2e-4 barely moves the adapter. Measured on stories260K with
    /// the harbour-tales corpus (27k tokens, q_proj,v_proj, 5 epochs): held-out perplexity 10.45 → 7.85 at 2e-3 with
    /// 4 accumulated micro-batches, 7.31 at 5e-3, 6.96 at 5e-3 without accumulation (these defaults).
    /// </summary>
    public double LearningRate { get; init; } = 5e-3;

    /// <summary>Passes over the training windows. 5 rather than PEFT's usual 3, for the same reason as <see cref="LearningRate"/>.</summary>
    public int Epochs { get; init; } = 5;

    /// <summary>Windows per micro-batch; the windows of a micro-batch are processed in parallel.</summary>
    public int BatchSize { get; init; } = 4;

    /// <summary>
    /// Micro-batches per optimizer step; a step's loss is the mean over every predicted token of its windows. 1 rather than
    /// PEFT's usual 4: a small corpus gives only tens of steps at 16 windows a step, and more, smaller steps trained better
    /// (see <see cref="LearningRate"/>).
    /// </summary>
    public int GradientAccumulation { get; init; } = 1;

    /// <summary>Most tokens per training window; longer sequences are cut into consecutive windows of this length.</summary>
    public int SequenceLength { get; init; } = 256;

    /// <summary>AdamW's decoupled weight decay (0, the Hugging Face Trainer's default, turns it off).</summary>
    public double WeightDecay { get; init; }

    /// <summary>Clip the global gradient norm of each step to this (the Hugging Face Trainer's 1.0); 0 turns clipping off.</summary>
    public double MaxGradientNorm { get; init; } = 1.0;

    /// <summary>Seed of the adapter initialisation, the window order and the dropout masks: the same seed and data give the same adapter.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that cannot train.</summary>
    public void Validate()
    {
        Require(Rank > 0, $"Rank must be positive, not {Rank}");
        Require(Alpha > 0 && double.IsFinite(Alpha), $"Alpha must be positive, not {Alpha}");
        Require(Dropout is >= 0 and < 1, $"Dropout must be in [0, 1), not {Dropout}");
        Require(TargetModules is { Count: > 0 }, $"TargetModules needs at least one of {string.Join(", ", KnownModules)}");
        var unknown = TargetModules!.FirstOrDefault(m => !KnownModules.Contains(m));
        Require(unknown is null, $"TargetModules: '{unknown}' is not a llama projection; use {string.Join(", ", KnownModules)}");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), $"LearningRate must be positive, not {LearningRate}");
        Require(Epochs > 0, $"Epochs must be positive, not {Epochs}");
        Require(BatchSize > 0, $"BatchSize must be positive, not {BatchSize}");
        Require(GradientAccumulation > 0, $"GradientAccumulation must be positive, not {GradientAccumulation}");
        Require(SequenceLength >= 2, $"SequenceLength must be at least 2 tokens, not {SequenceLength}");
        Require(WeightDecay >= 0, $"WeightDecay must not be negative, not {WeightDecay}");
        Require(MaxGradientNorm >= 0, $"MaxGradientNorm must not be negative, not {MaxGradientNorm}");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException($"Invalid LoRA training options: {message}.");
        }
    }
}
