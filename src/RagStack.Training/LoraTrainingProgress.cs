namespace RagStack.Training;

/// <summary>Reported after each optimizer step.</summary>
/// <param name="Step">Steps done so far.</param>
/// <param name="TotalSteps">Steps the run will take.</param>
/// <param name="Epoch">The current pass over the data, from 1.</param>
/// <param name="Loss">Mean cross-entropy per predicted token of this step (with dropout on).</param>
/// <param name="Tokens">Tokens processed so far, over all epochs.</param>
/// <param name="Elapsed">Time since training started.</param>
public sealed record LoraTrainingProgress(int Step, int TotalSteps, int Epoch, double Loss, long Tokens, TimeSpan Elapsed);
