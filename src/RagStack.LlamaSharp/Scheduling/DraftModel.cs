using LLama.Native;

namespace RagStack.LlamaSharp.Scheduling;

/// <summary>
/// A smaller (or more quantized) model that proposes the next few tokens for speculative decoding; the target model
/// checks all of them in one step and keeps the ones it would have chosen itself.
/// </summary>
internal sealed class DraftModel(SafeLLamaContextHandle context, int proposalLength, int batchSize)
{
    public SafeLLamaContextHandle Context { get; } = context;

    /// <summary>Tokens proposed per step.</summary>
    public int ProposalLength { get; } = proposalLength;

    private readonly LLamaBatch _batch = new();

    /// <summary>
    /// Brings the draft's sequence up to <paramref name="text"/> (reusing what it already holds) and proposes the next
    /// <see cref="ProposalLength"/> tokens greedily. <paramref name="held"/> mirrors the draft's cache for this sequence.
    /// </summary>
    public LLamaToken[] Propose(LLamaSeqId sequence, List<LLamaToken> held, IReadOnlyList<LLamaToken> text, int vocabulary)
    {
        var common = 0;
        while (common < held.Count && common < text.Count && held[common] == text[common])
        {
            common++;
        }

        // The last token of the text is always evaluated, for its logits.
        common = Math.Min(common, text.Count - 1);
        if (common < held.Count)
        {
            Context.MemorySequenceRemove(sequence, common, -1);
            held.RemoveRange(common, held.Count - common);
        }

        for (var at = common; at < text.Count;)
        {
            _batch.Clear();
            var end = Math.Min(text.Count, at + batchSize);
            for (var i = at; i < end; i++)
            {
                _batch.Add(text[i], i, sequence, i == text.Count - 1);
                held.Add(text[i]);
            }

            Decode();
            at = end;
        }

        var proposal = new LLamaToken[ProposalLength];
        proposal[0] = ArgMax(Context, _batch.TokenCount - 1, vocabulary);
        for (var j = 1; j < ProposalLength; j++)
        {
            _batch.Clear();
            _batch.Add(proposal[j - 1], held.Count, sequence, true);
            held.Add(proposal[j - 1]);
            Decode();
            proposal[j] = ArgMax(Context, 0, vocabulary);
        }

        return proposal;
    }

    /// <summary>Forgets a sequence's cache.</summary>
    public void Clear(LLamaSeqId sequence, List<LLamaToken> held)
    {
        if (held.Count > 0)
        {
            Context.MemorySequenceRemove(sequence, -1, -1);
            held.Clear();
        }
    }

    /// <summary>The most likely token at output <paramref name="index"/> of the last decode.</summary>
    public static LLamaToken ArgMax(SafeLLamaContextHandle context, int index, int vocabulary)
    {
        var logits = context.GetLogitsIth(index)[..vocabulary];
        var best = 0;
        var max = logits[0];
        for (var t = 1; t < logits.Length; t++)
        {
            if (logits[t] > max)
            {
                (best, max) = (t, logits[t]);
            }
        }

        return best;
    }

    private void Decode()
    {
        var result = Context.Decode(_batch);
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"llama.cpp could not evaluate {_batch.TokenCount} tokens on the draft model: {result}.");
        }
    }
}
