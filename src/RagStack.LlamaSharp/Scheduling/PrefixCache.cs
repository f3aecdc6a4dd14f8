using LLama;
using LLama.Native;

namespace RagStack.LlamaSharp.Scheduling;

/// <summary>
/// The sequences of the unified KV cache: which request each holds, the longest cached prefix a new prompt can start
/// from, room for a new reservation, and which finished requests' caches are kept for reuse.
/// </summary>
/// <remarks>
/// A new prompt shares the cells of the longest prefix already cached — of a running request or of a finished one kept
/// for reuse — through llama.cpp's sequence copy. Every request reserves cells for its prompt and its whole reply before
/// it is placed, counting shared cells as if they were not, so a step never runs out of cache.
/// </remarks>
internal sealed class PrefixCache
{
    private readonly SafeLlamaModelHandle _model;
    private readonly SafeLLamaContextHandle _context;
    private readonly SequenceSlot[] _slots;
    private readonly int _maxCached;
    private readonly int _totalCells;
    private readonly DraftModel? _draft;
    private long _clock;

    public PrefixCache(SafeLlamaModelHandle model, SafeLLamaContextHandle context, int sequences, int maxCached, int totalCells, DraftModel? draft)
    {
        _model = model;
        _context = context;
        _maxCached = maxCached;
        _totalCells = totalCells;
        _draft = draft;
        _slots = Enumerable.Range(0, sequences).Select(id => new SequenceSlot((LLamaSeqId)id)).ToArray();
    }

    /// <summary>Every sequence, running or not, in id order.</summary>
    public IReadOnlyList<SequenceSlot> Slots => _slots;

    /// <summary>Sequences that hold a running request.</summary>
    public int Running => _slots.Count(s => s.Request is not null);

    /// <summary>Whether a running request or a kept prefix uses the adapter <paramref name="name"/>.</summary>
    public bool RunsAdapter(string name) => _slots.Any(s => s.Request is { } r && r.Adapters.Uses(name));

    /// <summary>Starts <paramref name="request"/> in a sequence from the longest prefix it shares with the cache; false when its reservation does not fit yet.</summary>
    public bool TryStart(GenerationRequest request)
    {
        // The longest prefix of this prompt already in the cache; the last prompt token is always evaluated again,
        // because its logits are what the first reply token is sampled from.
        SequenceSlot? source = null;
        var shared = 0;
        foreach (var slot in _slots)
        {
            // A cache computed under other adapters holds other keys and values: it is never shared.
            if (slot.Tokens.Count == 0 || slot.AdapterKey != request.Adapters.Key)
            {
                continue;
            }

            var common = CommonPrefix(slot.Tokens, request.Prompt);
            if (common > shared)
            {
                (source, shared) = (slot, common);
            }
        }

        shared = Math.Min(shared, request.Prompt.Length - 1);
        if (shared <= 0)
        {
            source = null;
            shared = 0;
        }

        // Room: running requests hold their reservations, kept prefixes their length. Drop kept prefixes, least
        // recently used first (the source last), until the new reservation fits.
        while (Reserved() + request.Reservation + Margin > _totalCells)
        {
            var victim = _slots.Where(s => s.Request is null && s.Tokens.Count > 0 && s != source).MinBy(s => s.LastUsed)
                ?? (source is { Request: null } ? source : null);
            if (victim is null)
            {
                return false;
            }

            if (victim == source)
            {
                (source, shared) = (null, 0);
            }

            Clear(victim);
        }

        SequenceSlot target;
        if (source is { Request: null })
        {
            // A finished request's prefix is reused in place: cut its sequence back to the shared part.
            target = source;
            _context.MemorySequenceRemove(target.Id, shared, -1);
            target.Tokens.RemoveRange(shared, target.Tokens.Count - shared);
        }
        else
        {
            target = _slots.FirstOrDefault(s => s.Request is null && s.Tokens.Count == 0)
                ?? _slots.Where(s => s.Request is null).MinBy(s => s.LastUsed)!;
            Clear(target);
            if (source is not null)
            {
                _context.MemorySequenceCopy(source.Id, target.Id, 0, shared);
                target.Tokens.AddRange(request.Prompt.AsSpan(0, shared));
            }
        }

        target.Start(request, shared, _model);
        return true;
    }

    /// <summary>Ends the running requests whose callers cancelled them.</summary>
    public void StopCancelled()
    {
        foreach (var slot in _slots)
        {
            if (slot.Request is { } running && running.CancellationToken.IsCancellationRequested)
            {
                running.Complete(new OperationCanceledException(running.CancellationToken));
                Release(slot);
            }
        }
    }

    /// <summary>Ends a slot's request; its cache stays for reuse while there is room for kept prefixes.</summary>
    public void Release(SequenceSlot slot)
    {
        slot.Stop(++_clock);
        var kept = _slots.Where(s => s.Request is null && s.Tokens.Count > 0).ToList();
        if (_maxCached == 0)
        {
            Clear(slot);
        }
        else if (kept.Count > _maxCached)
        {
            Clear(kept.MinBy(s => s.LastUsed)!);
        }
    }

    /// <summary>Drops the kept prefixes computed under the adapter <paramref name="name"/>.</summary>
    public void DropAdapter(string name)
    {
        foreach (var slot in _slots.Where(s => s.Request is null && s.AdapterKey.Length > 0 && s.AdapterKey.StartsWith(name + "@", StringComparison.Ordinal)))
        {
            Clear(slot);
        }
    }

    /// <summary>Fails every running request with <paramref name="error"/>.</summary>
    public void FailAll(Exception error)
    {
        foreach (var slot in _slots)
        {
            slot.Request?.Complete(error);
            slot.Stop(0);
        }
    }

    private void Clear(SequenceSlot slot)
    {
        if (slot.Tokens.Count > 0)
        {
            _context.MemorySequenceRemove(slot.Id, -1, -1);
            slot.Tokens.Clear();
        }

        _draft?.Clear(slot.Id, slot.DraftTokens);
    }

    private int Reserved() => _slots.Sum(s => s.Request is { } r ? Math.Max(r.Reservation, s.Tokens.Count) + Margin : s.Tokens.Count);

    /// <summary>Cells a running request may hold beyond its reservation: unverified draft tokens.</summary>
    private int Margin => _draft?.ProposalLength ?? 0;

    private static int CommonPrefix(List<LLamaToken> cached, LLamaToken[] prompt)
    {
        var length = Math.Min(cached.Count, prompt.Length);
        var i = 0;
        while (i < length && cached[i] == prompt[i])
        {
            i++;
        }

        return i;
    }
}
