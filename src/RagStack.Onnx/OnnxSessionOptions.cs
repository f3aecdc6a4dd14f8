using Microsoft.ML.OnnxRuntime;

namespace RagStack.Onnx;

/// <summary>The session options every RagStack.Onnx model runs with (the embedding models and the cross-encoder).</summary>
internal static class OnnxSessionOptions
{
    /// <summary>
    /// Sequential runs on <paramref name="threads"/> intra-op threads, every graph optimisation, and no spinning: idle ORT
    /// threads would otherwise spin for work, and on a shared, busy machine that spinning starves the threads doing the
    /// work (measured on two loaded cores: 8-13 instead of 6 paragraphs/s). Each run is long, so waking costs little.
    /// </summary>
    public static SessionOptions Create(int threads)
    {
        var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        return options;
    }
}
