using System.Collections.Concurrent;

namespace RagStack.LlamaSharp.Scheduling;

/// <summary>Requests waiting for a sequence, started in arrival order while a sequence is free and the cache has room for their reservation.</summary>
internal sealed class AdmissionQueue
{
    private readonly ConcurrentQueue<GenerationRequest> _incoming = new();
    private readonly LinkedList<GenerationRequest> _waiting = new();

    /// <summary>The requests taken in and not yet started, oldest first.</summary>
    public IEnumerable<GenerationRequest> Waiting => _waiting;

    /// <summary>Queues a request (from any thread); the decode loop takes it in at its next admission.</summary>
    public void Enqueue(GenerationRequest request) => _incoming.Enqueue(request);

    /// <summary>Moves the requests queued since the last admission into the waiting line.</summary>
    public void TakeIncoming()
    {
        while (_incoming.TryDequeue(out var queued))
        {
            _waiting.AddLast(queued);
        }
    }

    /// <summary>Ends the waiting requests whose callers cancelled them.</summary>
    public void DropCancelled()
    {
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
    }

    /// <summary>Starts waiting requests, oldest first, until the sequences are all busy or the oldest does not fit the cache yet.</summary>
    public void StartWaiting(PrefixCache cache, AdapterRemovals removals, int maxParallel)
    {
        while (_waiting.First is { } first && cache.Running < maxParallel)
        {
            // A request that chose an adapter just before it was removed arrives after the unload: refuse it alone.
            if (removals.IncludesUnloaded(first.Value.Adapters))
            {
                first.Value.Complete(new KeyNotFoundException($"The adapter '{first.Value.Adapters.Key}' was removed before the request started."));
                _waiting.RemoveFirst();
                continue;
            }

            if (!cache.TryStart(first.Value))
            {
                break;
            }

            _waiting.RemoveFirst();
        }
    }

    /// <summary>Fails every request not yet started with <paramref name="error"/>.</summary>
    public void FailAll(Exception error)
    {
        foreach (var request in _waiting.Concat(_incoming))
        {
            request.Complete(error);
        }

        _waiting.Clear();
        _incoming.Clear();
    }
}
