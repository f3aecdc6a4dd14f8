namespace RagStack.Cli.Bench.Inference;

/// <summary>Weight types of the synthetic benchmark models.</summary>
internal enum GgufWeights
{
    F32,
    F16,
}

/// <summary>Builds (once) and finds the synthetic models the inference benchmarks run on.</summary>
internal static class BenchModels
{
    public static string Synthetic125M(string? workDir, GgufWeights weights) =>
        throw new NotSupportedException($"Pass --model: building a synthetic {weights} model into {workDir ?? "the data folder"} comes with the GGUF writer.");
}
