namespace RagStack.Api.Documents;

/// <summary>Wakes the ingestion worker when jobs are queued, so it need not poll often.</summary>
internal sealed class IngestionSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: the worker will look at the queue anyway.
        }
    }

    /// <summary>Waits for a signal or for <paramref name="timeout"/>, whichever comes first.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}
