using System.Diagnostics;
using LLama.Native;

namespace RagStack.LlamaSharp.Scheduling;

/// <summary>Turns the tokens chosen for a sequence into its request's text events, and finishes the request at an end-of-generation token, a stop sequence or its token limit.</summary>
internal sealed class ReplyWriter(SafeLlamaModelHandle model, PrefixCache cache)
{
    /// <summary>Hands a chosen token to its request; false when the request has finished.</summary>
    public bool Emit(SequenceSlot slot, LLamaToken token)
    {
        var request = slot.Request!;
        slot.Generated++;
        if (slot.Generated == 1)
        {
            slot.FirstTokenAt = Stopwatch.GetTimestamp();
        }

        if (token.IsEndOfGeneration(model.Vocab))
        {
            Finish(slot, GenerationFinish.Stop);
            return false;
        }

        slot.Decoder!.Add(token);
        var text = slot.Stops!.Push(slot.Decoder.Read());
        if (text.Length > 0)
        {
            request.Events.Writer.TryWrite(new GeneratedText(text));
        }

        if (slot.Stops.Stopped)
        {
            Finish(slot, GenerationFinish.Stop);
            return false;
        }

        if (slot.Generated >= request.MaxTokens)
        {
            Finish(slot, GenerationFinish.Length);
            return false;
        }

        slot.Pending = token;
        return true;
    }

    private void Finish(SequenceSlot slot, GenerationFinish reason)
    {
        var request = slot.Request!;
        var rest = slot.Stops!.Flush();
        if (rest.Length > 0)
        {
            request.Events.Writer.TryWrite(new GeneratedText(rest));
        }

        var now = Stopwatch.GetTimestamp();
        request.Events.Writer.TryWrite(new GenerationFinished(
            reason,
            request.Prompt.Length,
            slot.Shared,
            slot.Generated,
            Stopwatch.GetElapsedTime(request.SubmittedAt, slot.FirstTokenAt == 0 ? now : slot.FirstTokenAt),
            Stopwatch.GetElapsedTime(request.SubmittedAt, now)));
        request.Complete();
        cache.Release(slot);
    }
}
