using System.Collections.Concurrent;
using LLama.Native;

namespace RagStack.LlamaSharp.Scheduling;

/// <summary>
/// Takes adapters out of service between decode steps: a removal waits until no running or waiting request uses the
/// adapter, then drops the prefixes cached under it, detaches it from the context and unloads it.
/// </summary>
internal sealed class AdapterRemovals(Func<string, LoraAdapter?> unload)
{
    private readonly ConcurrentQueue<(string Name, TaskCompletionSource Done)> _requested = new();
    private readonly List<(string Name, TaskCompletionSource Done)> _pending = [];
    private readonly HashSet<LoraAdapter> _unloaded = new(ReferenceEqualityComparer.Instance);

    /// <summary>Asks for the adapter <paramref name="name"/> to be removed (from any thread); completes when it is unloaded.</summary>
    public Task Request(string name)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _requested.Enqueue((name, done));
        return done.Task;
    }

    /// <summary>Whether <paramref name="adapters"/> includes an adapter that has been unloaded.</summary>
    public bool IncludesUnloaded(AdapterSet adapters) => adapters.Items.Any(i => _unloaded.Contains(i.Adapter));

    /// <summary>Completes every asked-for removal that no running or waiting request still needs (on the decode loop's thread).</summary>
    public void CompleteUnused(PrefixCache cache, IEnumerable<GenerationRequest> waiting, DecodeStep step)
    {
        while (_requested.TryDequeue(out var removal))
        {
            _pending.Add(removal);
        }

        for (var i = _pending.Count - 1; i >= 0; i--)
        {
            var (name, done) = _pending[i];
            if (cache.RunsAdapter(name) || waiting.Any(r => r.Adapters.Uses(name)))
            {
                continue;
            }

            cache.DropAdapter(name);
            step.DetachAdapter(name);
            if (unload(name) is { } unloaded)
            {
                _unloaded.Add(unloaded);
            }

            done.TrySetResult();
            _pending.RemoveAt(i);
        }
    }
}
