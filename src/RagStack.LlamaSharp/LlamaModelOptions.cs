namespace RagStack.LlamaSharp;

/// <summary>How a local GGUF generator model is loaded and shared by concurrent requests, bound from <c>RagStack:Generator</c>.</summary>
public sealed class LlamaModelOptions
{
    /// <summary>The configuration section these settings are bound from.</summary>
    public const string Section = RagStackSections.Generator;

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
}
