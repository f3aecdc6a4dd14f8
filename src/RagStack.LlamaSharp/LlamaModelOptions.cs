namespace RagStack.LlamaSharp;

/// <summary>How a local GGUF generator model is loaded and shared by concurrent requests.</summary>
public sealed class LlamaModelOptions
{
    /// <summary>Path of the GGUF model file.</summary>
    public string ModelPath { get; set; } = "";

    /// <summary>
    /// The window of one request, prompt and reply together, in tokens; 0 takes the model's trained context, capped at
    /// <see cref="DefaultContextCap"/> so a model trained on 128k tokens does not reserve gigabytes of cache by default.
    /// </summary>
    public int ContextLength { get; set; }

    /// <summary>How many requests decode together in one batch; more wait in line.</summary>
    public int MaxParallelRequests { get; set; } = 4;

    /// <summary>
    /// How many finished requests keep their evaluated prompt in the cache, so a later request with the same system
    /// prompt and retrieved context starts from it instead of evaluating it again.
    /// </summary>
    public int PrefixCacheEntries { get; set; } = 4;

    /// <summary>CPU threads for decoding; 0 uses every core.</summary>
    public int Threads { get; set; }

    /// <summary>The most tokens evaluated in one step (prompt chunks and decoding tokens together).</summary>
    public int BatchSize { get; set; } = 512;

    /// <summary>Sampling temperature when a request names none; 0 is greedy.</summary>
    public float DefaultTemperature { get; set; } = 0.2f;

    /// <summary>
    /// A chat template to use instead of the model's own, by llama.cpp's built-in name ("chatml", "llama3", "phi3", …);
    /// null uses the template in the model's metadata, or RagStack's plain-text transcript when it has none.
    /// </summary>
    public string? ChatTemplate { get; set; }

    /// <summary>
    /// A draft model for speculative decoding: a smaller or more quantized model with the same vocabulary (for example a
    /// Q4_K_M copy of an F16 model). It proposes <see cref="DraftTokens"/> tokens that the model checks in one step.
    /// Applies to greedy requests (temperature 0); sampled requests decode normally. Null turns it off.
    /// </summary>
    public string? DraftModelPath { get; set; }

    /// <summary>Tokens the draft model proposes per step.</summary>
    public int DraftTokens { get; set; } = 4;

    /// <summary>Cap on the window taken from the model when <see cref="ContextLength"/> is 0.</summary>
    public const int DefaultContextCap = 8192;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first setting a user must change.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelPath))
        {
            throw new ArgumentException("No model path is set; pass the path of a GGUF file.", nameof(ModelPath));
        }

        if (!File.Exists(ModelPath))
        {
            throw new FileNotFoundException($"{ModelPath}: model file not found.", ModelPath);
        }

        Check(ContextLength >= 0, nameof(ContextLength), "must be 0 (the model's own) or positive");
        Check(MaxParallelRequests is >= 1 and <= 64, nameof(MaxParallelRequests), "must be between 1 and 64");
        Check(PrefixCacheEntries is >= 0 and <= 64, nameof(PrefixCacheEntries), "must be between 0 and 64");
        Check(Threads >= 0, nameof(Threads), "must be 0 (every core) or positive");
        Check(BatchSize is >= 16 and <= 8192, nameof(BatchSize), "must be between 16 and 8192");
        Check(DraftTokens is >= 1 and <= 32, nameof(DraftTokens), "must be between 1 and 32");
        if (DraftModelPath is not null && !File.Exists(DraftModelPath))
        {
            throw new FileNotFoundException($"{DraftModelPath}: draft model file not found.", DraftModelPath);
        }

        Check(DefaultTemperature is >= 0 and <= 5, nameof(DefaultTemperature), "must be between 0 and 5");
    }

    private static void Check(bool ok, string name, string rule)
    {
        if (!ok)
        {
            throw new ArgumentException($"{name} {rule}.", name);
        }
    }
}
