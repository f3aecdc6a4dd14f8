using System.Diagnostics;
using LLama;
using LLama.Native;

namespace RagStack.Cli.Bench.Inference;

/// <summary>
/// The reference side of <c>bench inference</c>: decoding loops written straight against LLamaSharp's native API
/// (llama_decode, llama.cpp's samplers and KV-cache calls) with no RagStack code in between.
/// </summary>
internal static class RawLlamaLoops
{
    /// <summary>A context shaped like the chat client's: one unified KV cache of <paramref name="cells"/> cells for up to <paramref name="sequences"/> sequences.</summary>
    public static SafeLLamaContextHandle CreateContext(LLamaWeights weights, int cells, int sequences, int threads, int batchSize = 512)
    {
        var parameters = LLamaContextParams.Default();
        parameters.n_ctx = (uint)cells;
        parameters.n_batch = (uint)batchSize;
        parameters.n_ubatch = (uint)batchSize;
        parameters.n_seq_max = (uint)sequences;
        parameters.n_threads = threads;
        parameters.n_threads_batch = threads;
        parameters.kv_unified = true;
        return SafeLLamaContextHandle.Create(weights.NativeHandle, parameters);
    }

    /// <summary>
    /// Decoding with no KV cache: every step clears the cache and evaluates the whole text so far, as a model with no
    /// cache must. Returns generated tokens per second after the first token.
    /// </summary>
    public static double NaiveDecode(LLamaWeights weights, SafeLLamaContextHandle context, LLamaToken[] prompt, int tokens)
    {
        using var sampler = Greedy();
        var text = new List<LLamaToken>(prompt);
        var batch = new LLamaBatch();
        long first = 0;
        for (var i = 0; i < tokens; i++)
        {
            context.MemoryClear();
            batch.Clear();
            for (var p = 0; p < text.Count; p++)
            {
                batch.Add(text[p], p, LLamaSeqId.Zero, p == text.Count - 1);
            }

            Decode(context, batch);
            var token = sampler.Sample(context, batch.TokenCount - 1);
            first = first == 0 ? Stopwatch.GetTimestamp() : first;
            text.Add(token);
        }

        return (tokens - 1) / Stopwatch.GetElapsedTime(first).TotalSeconds;
    }

    /// <summary>Ordinary decoding with a KV cache, one token per step; generated tokens per second after the first token.</summary>
    public static double CachedDecode(LLamaWeights weights, SafeLLamaContextHandle context, LLamaToken[] prompt, int tokens)
    {
        context.MemoryClear();
        using var sampler = Greedy();
        var batch = new LLamaBatch();
        batch.AddRange(prompt, 0, LLamaSeqId.Zero, true);
        Decode(context, batch);
        var token = sampler.Sample(context, batch.TokenCount - 1);
        var first = Stopwatch.GetTimestamp();
        for (var i = 1; i < tokens; i++)
        {
            batch.Clear();
            batch.Add(token, prompt.Length + i - 1, LLamaSeqId.Zero, true);
            Decode(context, batch);
            token = sampler.Sample(context, 0);
        }

        return (tokens - 1) / Stopwatch.GetElapsedTime(first).TotalSeconds;
    }

    /// <summary>
    /// Batched decoding of several independent streams: the prompts are evaluated in one batch, then every step decodes
    /// one token for each stream. Returns the aggregate generated tokens per second over the whole run.
    /// </summary>
    public static double BatchedDecode(LLamaWeights weights, SafeLLamaContextHandle context, IReadOnlyList<LLamaToken[]> prompts, int tokens)
    {
        context.MemoryClear();
        var samplers = prompts.Select(_ => Greedy()).ToArray();
        var batch = new LLamaBatch();
        var start = Stopwatch.GetTimestamp();
        var next = new LLamaToken[prompts.Count];
        var waiting = new List<int>();
        for (var s = 0; s <= prompts.Count; s++)
        {
            // Prompts share a batch while they fit in llama.cpp's logical batch; each stream's first token is sampled
            // right after the decode that read the end of its prompt.
            if (s == prompts.Count || batch.TokenCount + prompts[s].Length > context.BatchSize)
            {
                Decode(context, batch);
                foreach (var w in waiting)
                {
                    next[w] = samplers[w].Sample(context, batch.TokenCount - 1 - Offset(prompts, waiting, w));
                }

                waiting.Clear();
                batch.Clear();
                if (s == prompts.Count)
                {
                    break;
                }
            }

            batch.AddRange(prompts[s], 0, (LLamaSeqId)s, true);
            waiting.Add(s);
        }

        var positions = prompts.Select(p => p.Length).ToArray();
        for (var i = 1; i < tokens; i++)
        {
            batch.Clear();
            for (var s = 0; s < prompts.Count; s++)
            {
                batch.Add(next[s], positions[s]++, (LLamaSeqId)s, true);
            }

            Decode(context, batch);
            for (var s = 0; s < prompts.Count; s++)
            {
                next[s] = samplers[s].Sample(context, s);
            }
        }

        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        foreach (var sampler in samplers)
        {
            sampler.Dispose();
        }

        return prompts.Count * tokens / seconds;
    }

    /// <summary>How far before the batch's last token stream <paramref name="stream"/>'s last prompt token sits.</summary>
    private static int Offset(IReadOnlyList<LLamaToken[]> prompts, List<int> inBatch, int stream) =>
        inBatch.SkipWhile(s => s != stream).Skip(1).Sum(s => prompts[s].Length);

    /// <summary>
    /// Time to first token for a prompt made of a shared context and a question: cold (the whole prompt evaluated), then
    /// warm (the context's cells shared from the first sequence with a sequence copy, only the new question evaluated).
    /// </summary>
    public static (TimeSpan Cold, TimeSpan Warm) PrefixReuse(LLamaWeights weights, SafeLLamaContextHandle context, LLamaToken[] shared, LLamaToken[] first, LLamaToken[] second, int batchSize = 512)
    {
        context.MemoryClear();
        using var sampler = Greedy();
        var batch = new LLamaBatch();
        var start = Stopwatch.GetTimestamp();
        var prompt = shared.Concat(first).ToArray();
        for (var at = 0; at < prompt.Length; at += batchSize)
        {
            batch.Clear();
            var count = Math.Min(batchSize, prompt.Length - at);
            batch.AddRange(prompt.AsSpan(at, count), at, LLamaSeqId.Zero, at + count == prompt.Length);
            Decode(context, batch);
        }

        sampler.Sample(context, batch.TokenCount - 1);
        var cold = Stopwatch.GetElapsedTime(start);

        start = Stopwatch.GetTimestamp();
        var one = (LLamaSeqId)1;
        context.MemorySequenceCopy(LLamaSeqId.Zero, one, 0, shared.Length);
        batch.Clear();
        batch.AddRange(second, shared.Length, one, true);
        Decode(context, batch);
        sampler.Sample(context, batch.TokenCount - 1);
        return (cold, Stopwatch.GetElapsedTime(start));
    }

    /// <summary>
    /// Greedy speculative decoding of one stream: the draft proposes <paramref name="draftTokens"/> tokens, the target
    /// evaluates them in one batch, keeps the agreeing run plus its own next token, and both caches drop the rest.
    /// Returns generated tokens per second after the first token and the share of proposals accepted.
    /// </summary>
    public static (double TokensPerSecond, double Acceptance) SpeculativeDecode(LLamaWeights target, SafeLLamaContextHandle targetContext, SafeLLamaContextHandle draftContext, LLamaToken[] prompt, int tokens, int draftTokens)
    {
        targetContext.MemoryClear();
        draftContext.MemoryClear();
        var vocabulary = target.NativeHandle.Vocab.Count;
        var batch = new LLamaBatch();
        var draftBatch = new LLamaBatch();
        batch.AddRange(prompt, 0, LLamaSeqId.Zero, true);
        Decode(targetContext, batch);
        draftBatch.AddRange(prompt, 0, LLamaSeqId.Zero, false);
        Decode(draftContext, draftBatch);

        // Both caches hold the committed text, positions [0, committed); the pending token is chosen but not yet read.
        var committed = prompt.Length;
        var pending = Best(targetContext, batch.TokenCount - 1, vocabulary);
        var first = Stopwatch.GetTimestamp();
        var generated = 1;
        long proposed = 0, accepted = 0;
        while (generated < tokens)
        {
            var k = Math.Min(draftTokens, tokens - generated - 1);
            var tail = new List<LLamaToken> { pending };
            var inDraft = committed;
            for (var j = 0; j < k; j++)
            {
                draftBatch.Clear();
                draftBatch.Add(tail[^1], inDraft++, LLamaSeqId.Zero, true);
                Decode(draftContext, draftBatch);
                tail.Add(Best(draftContext, 0, vocabulary));
            }

            batch.Clear();
            for (var j = 0; j < tail.Count; j++)
            {
                batch.Add(tail[j], committed + j, LLamaSeqId.Zero, true);
            }

            Decode(targetContext, batch);
            var agreed = 0;
            var next = Best(targetContext, 0, vocabulary);
            while (agreed < k && tail[agreed + 1] == next)
            {
                agreed++;
                next = Best(targetContext, agreed, vocabulary);
            }

            proposed += k;
            accepted += agreed;
            generated += agreed + 1;
            var newCommitted = committed + 1 + agreed;
            targetContext.MemorySequenceRemove(LLamaSeqId.Zero, newCommitted, -1);
            draftContext.MemorySequenceRemove(LLamaSeqId.Zero, newCommitted, -1);
            if (inDraft < newCommitted)
            {
                // Every guess was accepted (or none was made): the draft has not read the last committed token yet.
                draftBatch.Clear();
                for (var position = inDraft; position < newCommitted; position++)
                {
                    draftBatch.Add(tail[position - committed], position, LLamaSeqId.Zero, false);
                }

                Decode(draftContext, draftBatch);
            }

            committed = newCommitted;
            pending = next;
        }

        return ((generated - 1) / Stopwatch.GetElapsedTime(first).TotalSeconds, proposed == 0 ? 0 : (double)accepted / proposed);
    }

    private static LLamaToken Best(SafeLLamaContextHandle context, int index, int vocabulary)
    {
        var logits = context.GetLogitsIth(index)[..vocabulary];
        var best = 0;
        for (var t = 1; t < logits.Length; t++)
        {
            if (logits[t] > logits[best])
            {
                best = t;
            }
        }

        return best;
    }

    private static SafeLLamaSamplerChainHandle Greedy()
    {
        var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        chain.AddGreedySampler();
        return chain;
    }

    private static void Decode(SafeLLamaContextHandle context, LLamaBatch batch)
    {
        var result = context.Decode(batch);
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"llama_decode failed: {result}");
        }
    }
}
