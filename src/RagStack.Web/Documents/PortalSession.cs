using RagStack.Documents;
using Microsoft.AspNetCore.Components.Forms;
using RagStack.Client;
using RagStack.Web.Hosting;

namespace RagStack.Web.Documents;

/// <summary>One file the portal was given: refused before sending, uploading with its progress, sent, or refused by the API.</summary>
public sealed class UploadItem
{
    public required string Name { get; init; }
    public long Size { get; init; }
    public long Sent { get; set; }
    /// <summary>Why it was not sent or not accepted (the policy's or the API's words); null while fine.</summary>
    public string? Refusal { get; set; }
    public bool Done { get; set; }
}

/// <summary>
/// The portal's state for one page: one index's documents, followed live through the API's server-sent events, the
/// uploads in flight with their progress, and delete / re-ingest / preview. Components show it and call it.
/// </summary>
public sealed class PortalSession(IRagStackClient client, UploadPolicy policy) : IAsyncDisposable
{
    private readonly Dictionary<string, DocumentInfo> _documents = new(StringComparer.Ordinal);
    private CancellationTokenSource? _watching;
    private Task? _watch;

    /// <summary>Raised after every change the page should show.</summary>
    public event Func<Task>? Changed;

    public string? Index { get; private set; }

    public IEnumerable<DocumentInfo> Documents => _documents.Values;

    public List<UploadItem> Uploads { get; } = [];

    /// <summary>True once the first snapshot of the index arrived.</summary>
    public bool Loaded { get; private set; }

    /// <summary>A problem following the index (the API's words), shown above the list.</summary>
    public string? Problem { get; private set; }

    /// <summary>The first chunks of documents whose summary was opened, by id.</summary>
    public Dictionary<string, IReadOnlyList<string>> Previews { get; } = new(StringComparer.Ordinal);

    /// <summary>Follows <paramref name="index"/> from now on, instead of the index followed before.</summary>
    public async Task WatchAsync(string index)
    {
        if (index == Index)
        {
            return;
        }

        await StopWatchingAsync();
        Index = index;
        _documents.Clear();
        Loaded = false;
        Problem = null;
        _watching = new CancellationTokenSource();
        _watch = FollowAsync(index, _watching.Token);
    }

    /// <summary>Sends the files one by one, each refused before sending when the policy says so; the list follows their ingestion live.</summary>
    public async Task UploadAsync(IReadOnlyList<IBrowserFile> files)
    {
        var index = Index ?? throw new InvalidOperationException("Choose an index before uploading.");
        var items = files.Select(f => (File: f, Item: new UploadItem { Name = f.Name, Size = f.Size, Refusal = policy.Refusal(f.Name, f.Size) })).ToList();
        Uploads.InsertRange(0, items.Select(i => i.Item));
        await NotifyAsync();
        foreach (var (file, item) in items.Where(i => i.Item.Refusal is null))
        {
            try
            {
                var progress = new UploadProgressReporter(item, NotifyAsync);
                // One file a request: a refused or cut-off file is not retried, and the API keeps nothing of it.
                await client.UploadAsync(index, [new DocumentUpload(file.Name, () => file.OpenReadStream(policy.MaxBytes))], progress: progress);
                item.Sent = item.Size;
            }
            catch (RagStackApiException e)
            {
                item.Refusal = e.Describe();
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                item.Refusal = $"The upload was cut off: {e.Message}";
            }

            item.Done = true;
            await NotifyAsync();
        }
    }

    public async Task<string?> DeleteAsync(string id) => await RunAsync(async () =>
    {
        if (await client.DeleteDocumentAsync(Index!, id))
        {
            _documents.Remove(id);
        }
    });

    public async Task<string?> ReingestAsync(string id) => await RunAsync(async () =>
    {
        if (await client.ReingestDocumentAsync(Index!, id) is { } queued)
        {
            _documents[id] = queued;
        }
    });

    /// <summary>Loads the first chunks of a ready document for its summary.</summary>
    public async Task PreviewAsync(string id)
    {
        if (Previews.ContainsKey(id) || Index is null)
        {
            return;
        }

        try
        {
            var content = await client.GetDocumentContentAsync(Index, id);
            Previews[id] = content is null
                ? []
                : [.. content.Chunks.OrderBy(c => c.Position).Take(3).Select(c => Excerpt(content.Text, c.Start, c.Length))];
        }
        catch (Exception e) when (e is RagStackApiException or HttpRequestException)
        {
            Previews[id] = [$"The preview could not be loaded: {e.Message}"];
        }

        await NotifyAsync();
    }

    private static string Excerpt(string text, int start, int length)
    {
        var s = Math.Clamp(start, 0, text.Length);
        var piece = text.Substring(s, Math.Clamp(length, 0, text.Length - s));
        return piece.Length > 280 ? piece[..280] + "…" : piece;
    }

    private async Task<string?> RunAsync(Func<Task> action)
    {
        try
        {
            await action();
            await NotifyAsync();
            return null;
        }
        catch (Exception e) when (e is RagStackApiException or HttpRequestException)
        {
            return e.Describe();
        }
    }

    private async Task FollowAsync(string index, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var change in client.WatchDocumentsAsync(index, cancellationToken))
                {
                    if (change.Kind == DocumentChangeKind.Deleted)
                    {
                        _documents.Remove(change.Document.Id);
                    }
                    else
                    {
                        _documents[change.Document.Id] = change.Document;
                        if (change.Document.Status != DocumentStatus.Ready)
                        {
                            Previews.Remove(change.Document.Id);
                        }
                    }

                    Loaded = true;
                    Problem = null;
                    await NotifyAsync();
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is RagStackApiException or HttpRequestException or IOException)
            {
                Problem = $"Live status was interrupted ({e.Message}); reconnecting…";
                Loaded = true;
                await NotifyAsync();
            }

            // The stream ended or broke: follow again after a moment (the API sends the whole state first, so nothing is missed).
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _documents.Clear();
        }
    }

    private async Task StopWatchingAsync()
    {
        if (_watching is null)
        {
            return;
        }

        await _watching.CancelAsync();
        try
        {
            await (_watch ?? Task.CompletedTask);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _watching.Dispose();
        _watching = null;
    }

    private async Task NotifyAsync()
    {
        if (Changed is { } changed)
        {
            await changed();
        }
    }

    public async ValueTask DisposeAsync() => await StopWatchingAsync();

    /// <summary>Reports bytes sent into the item, a re-render at most every 100 ms.</summary>
    private sealed class UploadProgressReporter(UploadItem item, Func<Task> notify) : IProgress<UploadProgress>
    {
        private long _lastReport;

        public void Report(UploadProgress value)
        {
            item.Sent = Math.Min(value.BytesSent, item.Size);
            var now = Environment.TickCount64;
            if (now - _lastReport >= 100)
            {
                _lastReport = now;
                _ = notify();
            }
        }
    }
}
