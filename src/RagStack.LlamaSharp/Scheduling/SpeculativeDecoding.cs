using LLama;
using LLama.Native;

namespace RagStack.LlamaSharp.Scheduling;

/// <summary>
/// Speculative decoding for greedy requests: the draft model proposes the next tokens, the target model scores the
/// pending token and the whole proposal in one step, and the longest run it agrees with is kept.
/// </summary>
internal sealed class SpeculativeDecoding(DraftModel draft, SafeLLamaContextHandle context, int vocabulary)
{
    /// <summary>Tokens the draft model proposed so far.</summary>
    public long DraftedTokens { get; private set; }

    /// <summary>Proposed tokens the target model confirmed.</summary>
    public long AcceptedTokens { get; private set; }

    /// <summary>Whether the slot's next step is speculative: greedy sampling (so the target's choice is its argmax) and room for at least two more tokens.</summary>
    public static bool Suits(SequenceSlot slot) => slot.Request!.Sampling.IsGreedy && slot.Request.MaxTokens - slot.Generated >= 2;

    /// <summary>
    /// Puts the pending token plus the draft model's proposal into this step's <paramref name="batch"/>, so the target
    /// model scores every position at once.
    /// </summary>
    public void Propose(SequenceSlot slot, LLamaToken pending, LLamaBatch batch)
    {
        var request = slot.Request!;
        var text = new List<LLamaToken>(slot.Tokens.Count + 1);
        text.AddRange(slot.Tokens);
        text.Add(pending);
        var proposal = draft.Propose(slot.Id, slot.DraftTokens, text, vocabulary);
        // Never propose more than the reply may still hold: each accepted token and the target's own next one count.
        var length = Math.Min(proposal.Length, request.MaxTokens - slot.Generated - 1);
        slot.Proposal = proposal[..length];
        slot.VerifyFrom = batch.TokenCount;
        batch.Add(pending, slot.Tokens.Count, slot.Id, true);
        slot.Tokens.Add(pending);
        foreach (var token in slot.Proposal)
        {
            batch.Add(token, slot.Tokens.Count, slot.Id, true);
            slot.Tokens.Add(token);
        }

        slot.Pending = null;
    }

    /// <summary>
    /// Keeps the longest run of proposed tokens the target model would have chosen itself, plus the target's own next
    /// token, hands them to the request, and removes the rejected tail from the cache.
    /// </summary>
    public void Verify(SequenceSlot slot, ReplyWriter replies)
    {
        var proposal = slot.Proposal!;
        slot.Proposal = null;
        var chosen = new List<LLamaToken>(proposal.Length + 1);
        var accepted = 0;
        for (var j = 0; j <= proposal.Length; j++)
        {
            var token = DraftModel.ArgMax(context, slot.VerifyFrom + j, vocabulary);
            chosen.Add(token);
            if (j == proposal.Length || proposal[j] != token)
            {
                break;
            }

            accepted++;
        }

        DraftedTokens += proposal.Length;
        AcceptedTokens += accepted;
        var keep = slot.Tokens.Count - proposal.Length + accepted;
        if (keep < slot.Tokens.Count)
        {
            context.MemorySequenceRemove(slot.Id, keep, -1);
            slot.Tokens.RemoveRange(keep, slot.Tokens.Count - keep);
        }

        foreach (var token in chosen)
        {
            if (!replies.Emit(slot, token))
            {
                return;
            }
        }
    }
}
