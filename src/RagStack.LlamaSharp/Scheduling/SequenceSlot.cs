using System.Text;
using LLama;
using LLama.Native;
using RagStack.LlamaSharp.Chat;

namespace RagStack.LlamaSharp.Scheduling;

/// <summary>One sequence of the KV cache: a running request, or the kept cache of a finished one.</summary>
internal sealed class SequenceSlot(LLamaSeqId id)
{
    public LLamaSeqId Id { get; } = id;

    /// <summary>The tokens this sequence holds in the cache, position by position.</summary>
    public List<LLamaToken> Tokens { get; } = [];

    /// <summary>The adapter set the cached tokens were computed under.</summary>
    public string AdapterKey { get; set; } = "";

    /// <summary>The step this slot's request last took part in (for turn-taking between adapter sets).</summary>
    public long LastServed { get; set; } = -1;

    /// <summary>The tokens the draft model's sequence of the same id holds.</summary>
    public List<LLamaToken> DraftTokens { get; } = [];

    /// <summary>Draft tokens in this step's batch awaiting the target's verdict.</summary>
    public LLamaToken[]? Proposal { get; set; }

    /// <summary>Batch index of the first position being verified.</summary>
    public int VerifyFrom { get; set; }

    public GenerationRequest? Request { get; private set; }

    public int Prefilled { get; set; }

    public int Shared { get; private set; }

    public int Generated { get; set; }

    public LLamaToken? Pending { get; set; }

    public int BatchIndex { get; set; } = -1;

    public long FirstTokenAt { get; set; }

    public long LastUsed { get; private set; }

    public SafeLLamaSamplerChainHandle? Sampler { get; private set; }

    public StreamingTokenDecoder? Decoder { get; private set; }

    public StopSequenceMatcher? Stops { get; private set; }

    public void Start(GenerationRequest request, int shared, SafeLlamaModelHandle model)
    {
        Request = request;
        AdapterKey = request.Adapters.Key;
        LastServed = -1;
        Prefilled = shared;
        Shared = shared;
        Generated = 0;
        Pending = null;
        Proposal = null;
        BatchIndex = -1;
        FirstTokenAt = 0;
        Sampler = request.Sampling.CreateChain();
        Decoder = new StreamingTokenDecoder(Encoding.UTF8, model);
        Stops = new StopSequenceMatcher(request.Stops);
    }

    public void Stop(long clock)
    {
        Request = null;
        Pending = null;
        Proposal = null;
        BatchIndex = -1;
        Sampler?.Dispose();
        Sampler = null;
        Decoder = null;
        Stops = null;
        LastUsed = clock;
    }
}
