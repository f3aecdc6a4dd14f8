using LLama;
using LLama.Native;

namespace RagStack.LlamaSharp.Scheduling;

/// <summary>
/// One decode step of continuous batching: one token for every generating request under the chosen adapter set, then
/// chunks of the prompts being read to fill the rest of the batch, evaluated together in one llama.cpp call.
/// </summary>
internal sealed class DecodeStep(SafeLLamaContextHandle context, PrefixCache cache, ReplyWriter replies, SpeculativeDecoding? speculation, int batchSize)
{
    private readonly LLamaBatch _batch = new();
    private AdapterSet _applied = AdapterSet.None;

    /// <summary>Prompt tokens evaluated so far (after prefix reuse).</summary>
    public long EvaluatedPromptTokens { get; private set; }

    /// <summary>Decode steps run so far.</summary>
    public long Steps { get; private set; }

    /// <summary>Runs one decode step; false when there was nothing to do.</summary>
    public bool Run()
    {
        _batch.Clear();
        var current = ChooseAdapterSet();
        if (current is null)
        {
            return false;
        }

        foreach (var slot in cache.Slots)
        {
            if (slot.Request is not null && slot.Request.Adapters.Key == current.Key && slot.Pending is { } token)
            {
                if (speculation is not null && SpeculativeDecoding.Suits(slot))
                {
                    speculation.Propose(slot, token, _batch);
                    continue;
                }

                slot.BatchIndex = _batch.TokenCount;
                _batch.Add(token, slot.Tokens.Count, slot.Id, true);
                slot.Tokens.Add(token);
                slot.Pending = null;
            }
        }

        // Prompts are read in chunks that fill the rest of the step, oldest request first, so a long prompt never
        // stalls the replies already streaming.
        foreach (var slot in cache.Slots.Where(s => s.Request is not null && s.Request.Adapters.Key == current.Key && s.Prefilled < s.Request.Prompt.Length).OrderBy(s => s.Request!.SubmittedAt))
        {
            var room = batchSize - _batch.TokenCount;
            if (room <= 0)
            {
                break;
            }

            var prompt = slot.Request!.Prompt;
            var count = Math.Min(room, prompt.Length - slot.Prefilled);
            var last = slot.Prefilled + count == prompt.Length;
            _batch.AddRange(prompt.AsSpan(slot.Prefilled, count), slot.Tokens.Count, slot.Id, last);
            slot.Tokens.AddRange(prompt.AsSpan(slot.Prefilled, count));
            slot.Prefilled += count;
            EvaluatedPromptTokens += count;
            slot.BatchIndex = last ? _batch.TokenCount - 1 : -1;
        }

        if (_batch.TokenCount == 0)
        {
            return false;
        }

        if (current.Key != _applied.Key)
        {
            context.SetLoraAdapters(current.Items);
            _applied = current;
        }

        foreach (var slot in cache.Slots.Where(s => s.Request?.Adapters.Key == current.Key))
        {
            slot.LastServed = Steps;
        }

        var result = context.Decode(_batch);
        Steps++;
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"llama.cpp could not evaluate a batch of {_batch.TokenCount} tokens: {result}.");
        }

        foreach (var slot in cache.Slots)
        {
            if (slot.Request is null)
            {
                continue;
            }

            if (slot.Proposal is not null)
            {
                speculation!.Verify(slot, replies);
            }
            else if (slot.BatchIndex >= 0)
            {
                var index = slot.BatchIndex;
                slot.BatchIndex = -1;
                replies.Emit(slot, slot.Sampler!.Sample(context, index));
            }
        }

        return true;
    }

    /// <summary>Detaches the adapter <paramref name="name"/> from the context if the last step applied it.</summary>
    public void DetachAdapter(string name)
    {
        if (_applied.Uses(name))
        {
            context.SetLoraAdapters([]);
            _applied = AdapterSet.None;
        }
    }

    /// <summary>
    /// The adapter set this step decodes under: the set of the running request that has waited longest for a step, so
    /// requests under different adapters take turns and none ever decodes under another's adapters.
    /// </summary>
    private AdapterSet? ChooseAdapterSet() =>
        cache.Slots.Where(s => s.Request is not null && (s.Pending is not null || s.Prefilled < s.Request.Prompt.Length))
            .OrderBy(s => s.LastServed).ThenBy(s => s.Request!.SubmittedAt)
            .Select(s => s.Request!.Adapters).FirstOrDefault();
}
