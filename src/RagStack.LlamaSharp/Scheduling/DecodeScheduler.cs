using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using LLama;
using LLama.Native;
using RagStack.LlamaSharp.Chat;

namespace RagStack.LlamaSharp.Scheduling;

/// <summary>
/// Runs every request on one loaded model through a single decode loop (continuous batching): each step evaluates one
/// token for every request that is generating plus a chunk of the prompts being read, so a new request joins between
/// steps and a finished one leaves without stopping the others.
/// </summary>
/// <remarks>
/// All sequences live in one unified KV cache. A new prompt starts from the longest prefix already in the cache — of a
/// running request or of a finished one kept for reuse — by sharing those cells (llama.cpp's sequence copy), so a system
/// prompt and retrieved context shared by several requests are evaluated once. Every request reserves cells for its
/// prompt and its whole reply before it is admitted, counting shared cells as if they were not, so a step never runs out
/// of cache; requests that do not fit wait in line.
/// </remarks>
internal sealed class DecodeScheduler : IDisposable
{
    private readonly SafeLlamaModelHandle _model;
    private readonly SafeLLamaContextHandle _context;
    private readonly int _maxParallel;
    private readonly int _maxCached;
    private readonly int _batchSize;
    private readonly int _totalCells;
    private readonly Slot[] _slots;
    private readonly ConcurrentQueue<GenerationRequest> _incoming = new();
    private readonly LinkedList<GenerationRequest> _waiting = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly LLamaBatch _batch = new();
    private readonly Thread _thread;
    private readonly DraftModel? _draft;
    private readonly int _vocabulary;
    private readonly ConcurrentQueue<(string Name, TaskCompletionSource Done)> _removals = new();
    private readonly List<(string Name, TaskCompletionSource Done)> _pendingRemovals = [];
    private readonly Func<string, LoraAdapter?> _unload;
    private readonly HashSet<LoraAdapter> _unloaded = new(ReferenceEqualityComparer.Instance);
    private AdapterSet _applied = AdapterSet.None;
    private volatile bool _stopping;
    private long _clock;

    public DecodeScheduler(SafeLlamaModelHandle model, SafeLLamaContextHandle context, int maxParallel, int maxCached, int batchSize, int totalCells, DraftModel? draft = null, Func<string, LoraAdapter?>? unloadAdapter = null)
    {
        _unload = unloadAdapter ?? (_ => null);
        _model = model;
        _draft = draft;
        _vocabulary = model.Vocab.Count;
        _context = context;
        _maxParallel = maxParallel;
        _maxCached = maxCached;
        _batchSize = batchSize;
        _totalCells = totalCells;
        _slots = Enumerable.Range(0, maxParallel + maxCached).Select(id => new Slot((LLamaSeqId)id)).ToArray();
        _thread = new Thread(Run) { IsBackground = true, Name = "RagStack decode loop" };
        _thread.Start();
    }

    /// <summary>Prompt tokens evaluated so far (after prefix reuse); for benchmarks and tests.</summary>
    public long EvaluatedPromptTokens { get; private set; }

    /// <summary>Decode steps run so far.</summary>
    public long Steps { get; private set; }

    /// <summary>Tokens the draft model proposed so far (speculative decoding).</summary>
    public long DraftedTokens { get; private set; }

    /// <summary>Proposed tokens the target model confirmed.</summary>
    public long AcceptedTokens { get; private set; }

    /// <summary>Queues a request; its events arrive on <see cref="GenerationRequest.Events"/>.</summary>
    public void Submit(GenerationRequest request)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        if (request.Reservation > _totalCells)
        {
            throw new ArgumentException($"The request needs {request.Reservation} tokens of cache; the model was loaded with {_totalCells}.", nameof(request));
        }

        request.SubmittedAt = Stopwatch.GetTimestamp();
        _incoming.Enqueue(request);
        request.Registration = request.CancellationToken.Register(static s => ((SemaphoreSlim)s!).Release(), _signal);
        _signal.Release();
    }

    /// <summary>
    /// Takes an adapter out of service: running requests that use it finish first, prefixes cached under it are dropped,
    /// then <c>unloadAdapter</c> is called on the decode loop's thread. Completes when the adapter is unloaded.
    /// </summary>
    public Task RemoveAdapterAsync(string name)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _removals.Enqueue((name, done));
        _signal.Release();
        return done.Task;
    }

    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        _signal.Release();
        _thread.Join();
        _signal.Dispose();
    }

    private void Run()
    {
        try
        {
            while (!_stopping)
            {
                Admit();
                if (!Step())
                {
                    _signal.Wait();
                }
            }
        }
        catch (Exception e)
        {
            FailAll(e);
            return;
        }

        FailAll(new ObjectDisposedException(nameof(DecodeScheduler), "The model was unloaded while the request was running."));
    }

    /// <summary>Moves queued requests into free slots while the cache has room for them.</summary>
    private void Admit()
    {
        while (_incoming.TryDequeue(out var queued))
        {
            _waiting.AddLast(queued);
        }

        RemoveAdapters();

        for (var node = _waiting.First; node is not null;)
        {
            var next = node.Next;
            if (node.Value.CancellationToken.IsCancellationRequested)
            {
                node.Value.Complete(new OperationCanceledException(node.Value.CancellationToken));
                _waiting.Remove(node);
            }

            node = next;
        }

        foreach (var slot in _slots)
        {
            if (slot.Request is { } running && running.CancellationToken.IsCancellationRequested)
            {
                running.Complete(new OperationCanceledException(running.CancellationToken));
                Release(slot);
            }
        }

        while (_waiting.First is { } first && _slots.Count(s => s.Request is not null) < _maxParallel)
        {
            // A request that chose an adapter just before it was removed arrives after the unload: refuse it alone.
            if (first.Value.Adapters.Items.Any(i => _unloaded.Contains(i.Adapter)))
            {
                first.Value.Complete(new KeyNotFoundException($"The adapter '{first.Value.Adapters.Key}' was removed before the request started."));
                _waiting.RemoveFirst();
                continue;
            }

            if (!TryStart(first.Value))
            {
                break;
            }

            _waiting.RemoveFirst();
        }
    }

    private void RemoveAdapters()
    {
        while (_removals.TryDequeue(out var removal))
        {
            _pendingRemovals.Add(removal);
        }

        for (var i = _pendingRemovals.Count - 1; i >= 0; i--)
        {
            var (name, done) = _pendingRemovals[i];
            if (_slots.Any(s => s.Request is { } r && r.Adapters.Uses(name)) || _waiting.Any(r => r.Adapters.Uses(name)))
            {
                continue;
            }

            foreach (var slot in _slots.Where(s => s.Request is null && s.AdapterKey.Length > 0 && s.AdapterKey.StartsWith(name + "@", StringComparison.Ordinal)))
            {
                Clear(slot);
            }

            if (_applied.Uses(name))
            {
                _context.SetLoraAdapters([]);
                _applied = AdapterSet.None;
            }

            if (_unload(name) is { } unloaded)
            {
                _unloaded.Add(unloaded);
            }

            done.TrySetResult();
            _pendingRemovals.RemoveAt(i);
        }
    }

    private bool TryStart(GenerationRequest request)
    {
        // The longest prefix of this prompt already in the cache; the last prompt token is always evaluated again,
        // because its logits are what the first reply token is sampled from.
        Slot? source = null;
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

        Slot target;
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

    /// <summary>Runs one decode step; false when there was nothing to do.</summary>
    private bool Step()
    {
        _batch.Clear();
        var current = ChooseAdapterSet();
        if (current is null)
        {
            return false;
        }

        foreach (var slot in _slots)
        {
            if (slot.Request is not null && slot.Request.Adapters.Key == current.Key && slot.Pending is { } token)
            {
                if (_draft is not null && slot.Request.Sampling.IsGreedy && slot.Request.MaxTokens - slot.Generated >= 2)
                {
                    Speculate(slot, token);
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
        foreach (var slot in _slots.Where(s => s.Request is not null && s.Request.Adapters.Key == current.Key && s.Prefilled < s.Request.Prompt.Length).OrderBy(s => s.Request!.SubmittedAt))
        {
            var room = _batchSize - _batch.TokenCount;
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
            _context.SetLoraAdapters(current.Items);
            _applied = current;
        }

        foreach (var slot in _slots.Where(s => s.Request?.Adapters.Key == current.Key))
        {
            slot.LastServed = Steps;
        }

        var result = _context.Decode(_batch);
        Steps++;
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"llama.cpp could not evaluate a batch of {_batch.TokenCount} tokens: {result}.");
        }

        foreach (var slot in _slots)
        {
            if (slot.Request is null)
            {
                continue;
            }

            if (slot.Proposal is not null)
            {
                Verify(slot);
            }
            else if (slot.BatchIndex >= 0)
            {
                var index = slot.BatchIndex;
                slot.BatchIndex = -1;
                Emit(slot, slot.Sampler!.Sample(_context, index));
            }
        }

        return true;
    }

    /// <summary>
    /// The adapter set this step decodes under: the set of the running request that has waited longest for a step, so
    /// requests under different adapters take turns and none ever decodes under another's adapters.
    /// </summary>
    private AdapterSet? ChooseAdapterSet() =>
        _slots.Where(s => s.Request is not null && (s.Pending is not null || s.Prefilled < s.Request.Prompt.Length))
            .OrderBy(s => s.LastServed).ThenBy(s => s.Request!.SubmittedAt)
            .Select(s => s.Request!.Adapters).FirstOrDefault();

    /// <summary>
    /// Speculative step for a greedy request: the draft model proposes the next tokens, and the pending token plus the
    /// proposal go into this step's batch, so the target model scores every position at once.
    /// </summary>
    private void Speculate(Slot slot, LLamaToken pending)
    {
        var request = slot.Request!;
        var text = new List<LLamaToken>(slot.Tokens.Count + 1);
        text.AddRange(slot.Tokens);
        text.Add(pending);
        var proposal = _draft!.Propose(slot.Id, slot.DraftTokens, text, _vocabulary);
        // Never propose more than the reply may still hold: each accepted token and the target's own next one count.
        var length = Math.Min(proposal.Length, request.MaxTokens - slot.Generated - 1);
        slot.Proposal = proposal[..length];
        slot.VerifyFrom = _batch.TokenCount;
        _batch.Add(pending, slot.Tokens.Count, slot.Id, true);
        slot.Tokens.Add(pending);
        foreach (var token in slot.Proposal)
        {
            _batch.Add(token, slot.Tokens.Count, slot.Id, true);
            slot.Tokens.Add(token);
        }

        slot.Pending = null;
    }

    /// <summary>
    /// Keeps the longest run of proposed tokens the target model would have chosen itself, plus the target's own next
    /// token, and removes the rejected tail from the cache.
    /// </summary>
    private void Verify(Slot slot)
    {
        var proposal = slot.Proposal!;
        slot.Proposal = null;
        var chosen = new List<LLamaToken>(proposal.Length + 1);
        var accepted = 0;
        for (var j = 0; j <= proposal.Length; j++)
        {
            var token = DraftModel.ArgMax(_context, slot.VerifyFrom + j, _vocabulary);
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
            _context.MemorySequenceRemove(slot.Id, keep, -1);
            slot.Tokens.RemoveRange(keep, slot.Tokens.Count - keep);
        }

        foreach (var token in chosen)
        {
            if (!Emit(slot, token))
            {
                return;
            }
        }
    }

    /// <summary>Hands a chosen token to its request; false when the request has finished.</summary>
    private bool Emit(Slot slot, LLamaToken token)
    {
        var request = slot.Request!;
        slot.Generated++;
        if (slot.Generated == 1)
        {
            slot.FirstTokenAt = Stopwatch.GetTimestamp();
        }

        if (token.IsEndOfGeneration(_model.Vocab))
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

    private void Finish(Slot slot, GenerationFinish reason)
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
        Release(slot);
    }

    /// <summary>Ends a slot's request; its cache stays for reuse while there is room for kept prefixes.</summary>
    private void Release(Slot slot)
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

    private void Clear(Slot slot)
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

    private void FailAll(Exception error)
    {
        foreach (var slot in _slots)
        {
            slot.Request?.Complete(error);
            slot.Stop(0);
        }

        foreach (var request in _waiting.Concat(_incoming))
        {
            request.Complete(error);
        }

        _waiting.Clear();
        _incoming.Clear();
    }

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

    /// <summary>One sequence of the KV cache: a running request, or the kept cache of a finished one.</summary>
    private sealed class Slot(LLamaSeqId id)
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
}
