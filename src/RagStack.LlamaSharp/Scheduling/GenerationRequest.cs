using System.Threading.Channels;
using LLama.Native;

namespace RagStack.LlamaSharp.Scheduling;

/// <summary>How one request picks its next token.</summary>
internal sealed record SamplingSettings(float Temperature, float TopP, int TopK, uint Seed, float FrequencyPenalty, float PresencePenalty)
{
    /// <summary>Greedy decoding: always the most likely token.</summary>
    public static SamplingSettings Greedy { get; } = new(0, 1, 0, 0, 0, 0);

    /// <summary>True when the next token is always the most likely one, so a draft model's guesses can be checked exactly.</summary>
    public bool IsGreedy => Temperature <= 0 && FrequencyPenalty == 0 && PresencePenalty == 0;

    /// <summary>Builds the llama.cpp sampler chain for these settings.</summary>
    public SafeLLamaSamplerChainHandle CreateChain()
    {
        var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        if (FrequencyPenalty != 0 || PresencePenalty != 0)
        {
            chain.AddPenalties(64, 1f, FrequencyPenalty, PresencePenalty);
        }

        if (Temperature <= 0)
        {
            chain.AddGreedySampler();
            return chain;
        }

        if (TopK > 0)
        {
            chain.AddTopK(TopK);
        }

        if (TopP < 1)
        {
            chain.AddTopP(TopP, 1);
        }

        chain.AddTemperature(Temperature);
        chain.AddDistributionSampler(Seed);
        return chain;
    }
}

/// <summary>What the decode loop reports to a request's reader.</summary>
internal abstract record GenerationEvent;

/// <summary>Newly generated text (already cut at stop sequences).</summary>
internal sealed record GeneratedText(string Text) : GenerationEvent;

/// <summary>The end of a request, with its counts and timings.</summary>
internal sealed record GenerationFinished(GenerationFinish Reason, int PromptTokens, int CachedPromptTokens, int GeneratedTokens, TimeSpan TimeToFirstToken, TimeSpan Total) : GenerationEvent;

/// <summary>Why a request stopped.</summary>
internal enum GenerationFinish
{
    /// <summary>The model ended its turn or a stop sequence was produced.</summary>
    Stop,
    /// <summary>The token limit (or the end of the window) was reached.</summary>
    Length,
}

/// <summary>One prompt waiting for or taking part in the shared decode loop.</summary>
internal sealed class GenerationRequest
{
    public GenerationRequest(LLamaToken[] prompt, int maxTokens, SamplingSettings sampling, IReadOnlyList<string> stops, CancellationToken cancellationToken, AdapterSet? adapters = null)
    {
        Adapters = adapters ?? AdapterSet.None;
        Prompt = prompt;
        MaxTokens = maxTokens;
        Sampling = sampling;
        Stops = stops;
        CancellationToken = cancellationToken;
    }

    public LLamaToken[] Prompt { get; }

    /// <summary>The LoRA adapters this request decodes under.</summary>
    public AdapterSet Adapters { get; }

    public int MaxTokens { get; }

    public SamplingSettings Sampling { get; }

    public IReadOnlyList<string> Stops { get; }

    public CancellationToken CancellationToken { get; }

    /// <summary>Events for the reader; written only by the decode loop.</summary>
    public Channel<GenerationEvent> Events { get; } = Channel.CreateUnbounded<GenerationEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    /// <summary>When the request was handed to the scheduler (<see cref="System.Diagnostics.Stopwatch"/> ticks).</summary>
    public long SubmittedAt { get; set; }

    /// <summary>Wakes the decode loop when the caller cancels; disposed when the request ends.</summary>
    public CancellationTokenRegistration Registration { get; set; }

    /// <summary>Ends the event stream (with <paramref name="error"/> when it failed) and drops the cancellation hook.</summary>
    public void Complete(Exception? error = null)
    {
        Events.Writer.TryComplete(error);
        Registration.Dispose();
    }

    /// <summary>The most KV cells the request can occupy: its prompt and every token it may generate.</summary>
    public int Reservation => Prompt.Length + MaxTokens;
}
