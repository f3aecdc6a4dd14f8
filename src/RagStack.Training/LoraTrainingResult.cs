using RagStack.Models.Adapters;

namespace RagStack.Training;

/// <summary>A trained adapter and how its training went.</summary>
/// <param name="Steps">Optimizer steps taken.</param>
/// <param name="Tokens">Tokens processed over all epochs.</param>
/// <param name="Elapsed">Training time.</param>
/// <param name="FinalLoss">Mean loss per predicted token of the last step.</param>
/// <param name="TrainableParameters">Weights in the adapter (PEFT's "trainable params").</param>
/// <param name="AllParameters">Base weights plus adapter weights (PEFT's "all params").</param>
/// <param name="Alpha">The LoRA alpha, written into the adapter file.</param>
/// <param name="Weights">The trained A and B of every adapted projection.</param>
public sealed record LoraTrainingResult(int Steps, long Tokens, TimeSpan Elapsed, double FinalLoss, long TrainableParameters, long AllParameters, double Alpha, IReadOnlyList<LoraWeights> Weights)
{
    /// <summary>Tokens processed per second of training.</summary>
    public double TokensPerSecond => Elapsed > TimeSpan.Zero ? Tokens / Elapsed.TotalSeconds : 0;

    /// <summary>The line PEFT's <c>print_trainable_parameters()</c> prints, with the same figures.</summary>
    public string TrainableParametersLine =>
        FormattableString.Invariant($"trainable params: {TrainableParameters:N0} || all params: {AllParameters:N0} || trainable%: {100.0 * TrainableParameters / AllParameters:0.0000}");

    /// <summary>Writes the adapter as a GGUF LoRA file that llama.cpp loads beside the base model.</summary>
    public void Save(string path, string name) => LoraAdapterFile.Write(path, "llama", name, (float)Alpha, Weights);
}
