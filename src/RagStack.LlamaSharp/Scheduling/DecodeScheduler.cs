using System.Diagnostics;
using LLama;
using LLama.Native;

namespace RagStack.LlamaSharp.Scheduling;

/// <summary>
/// Runs every request on one loaded model through a single decode loop (continuous batching): each step evaluates one
/// token for every request that is generating plus a chunk of the prompts being read, so a new request joins between
/// steps and a finished one leaves without stopping the others.
/// </summary>
/// <remarks>
/// The loop's thread owns the pieces: <see cref="AdmissionQueue"/> (who starts next), <see cref="PrefixCache"/> (the KV
/// cache's sequences, prefix reuse and reservations), <see cref="AdapterRemovals"/>, <see cref="DecodeStep"/> (the
/// batch), <see cref="SpeculativeDecoding"/> and <see cref="ReplyWriter"/> (tokens to text events). Requests that do not
/// fit in the cache wait in line.
/// </remarks>
internal sealed class DecodeScheduler : IDisposable
{
    private readonly int _maxParallel;
    private readonly int _totalCells;
    private readonly AdmissionQueue _queue = new();
    private readonly PrefixCache _cache;
    private readonly AdapterRemovals _removals;
    private readonly SpeculativeDecoding? _speculation;
    private readonly DecodeStep _step;
    private readonly SemaphoreSlim _signal = new(0);
    private readonly Thread _thread;
    private volatile bool _stopping;

    public DecodeScheduler(SafeLlamaModelHandle model, SafeLLamaContextHandle context, int maxParallel, int maxCached, int batchSize, int totalCells, DraftModel? draft = null, Func<string, LoraAdapter?>? unloadAdapter = null)
    {
        _removals = new AdapterRemovals(unloadAdapter ?? (_ => null));
        _maxParallel = maxParallel;
        _totalCells = totalCells;
        _cache = new PrefixCache(model, context, maxParallel + maxCached, maxCached, totalCells, draft);
        _speculation = draft is null ? null : new SpeculativeDecoding(draft, context, model.Vocab.Count);
        _step = new DecodeStep(context, _cache, new ReplyWriter(model, _cache), _speculation, batchSize);
        _thread = new Thread(Run) { IsBackground = true, Name = "RagStack decode loop" };
        _thread.Start();
    }

    /// <summary>Prompt tokens evaluated so far (after prefix reuse); for benchmarks and tests.</summary>
    public long EvaluatedPromptTokens => _step.EvaluatedPromptTokens;

    /// <summary>Decode steps run so far.</summary>
    public long Steps => _step.Steps;

    /// <summary>Tokens the draft model proposed so far (speculative decoding).</summary>
    public long DraftedTokens => _speculation?.DraftedTokens ?? 0;

    /// <summary>Proposed tokens the target model confirmed.</summary>
    public long AcceptedTokens => _speculation?.AcceptedTokens ?? 0;

    /// <summary>Queues a request; its events arrive on <see cref="GenerationRequest.Events"/>.</summary>
    public void Submit(GenerationRequest request)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        if (request.Reservation > _totalCells)
        {
            throw new ArgumentException($"The request needs {request.Reservation} tokens of cache; the model was loaded with {_totalCells}.", nameof(request));
        }

        request.SubmittedAt = Stopwatch.GetTimestamp();
        _queue.Enqueue(request);
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
        var done = _removals.Request(name);
        _signal.Release();
        return done;
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
                if (!_step.Run())
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

    /// <summary>Moves queued requests into free sequences while the cache has room for them.</summary>
    private void Admit()
    {
        _queue.TakeIncoming();
        _removals.CompleteUnused(_cache, _queue.Waiting, _step);
        _queue.DropCancelled();
        _cache.StopCancelled();
        _queue.StartWaiting(_cache, _removals, _maxParallel);
    }

    private void FailAll(Exception error)
    {
        _cache.FailAll(error);
        _queue.FailAll(error);
    }
}
