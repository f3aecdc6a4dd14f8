using System.Collections.Concurrent;
using System.Globalization;
using System.Net;

namespace RagStack.Testing;

/// <summary>
/// A real HTTP server (HttpListener on 127.0.0.1, a free port) that serves files from memory with byte-range support,
/// and can be told to cut or stall the next response after some bytes, or to ignore Range as some servers do.
/// HttpListener rather than Kestrel: the ASP.NET Core framework reference would stop the test build from copying the Microsoft.Extensions assemblies that the ragstack executable run by the CLI tests needs.
/// </summary>
public sealed class LoopbackFileServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly ConcurrentDictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;
    private long _cutAfter = -1;
    private long _stallAfter = -1;

    private LoopbackFileServer(HttpListener listener, Uri baseAddress)
    {
        _listener = listener;
        BaseAddress = baseAddress;
        _accepting = Task.Run(AcceptAsync);
    }

    /// <summary>Every request the server saw, in order: its path and its Range header (null when it had none).</summary>
    public ConcurrentQueue<(string Path, string? Range)> Requests { get; } = new();

    /// <summary>When set, Range headers are ignored and every answer is the whole file with 200.</summary>
    public bool IgnoreRange { get; set; }

    /// <summary>Completes when a stalled response has sent its bytes and is waiting.</summary>
    public TaskCompletionSource Stalled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Uri BaseAddress { get; }

    public static Task<LoopbackFileServer> StartAsync()
    {
        var (listener, baseAddress) = LoopbackListener.Start();
        return Task.FromResult(new LoopbackFileServer(listener, baseAddress));
    }

    /// <summary>Serves <paramref name="bytes"/> at <c>/<paramref name="name"/></c> and returns its URL.</summary>
    public Uri Serve(string name, byte[] bytes)
    {
        _files[name] = bytes;
        return new Uri(BaseAddress, name);
    }

    /// <summary>The next response sends this many body bytes, then the connection is cut.</summary>
    public void CutNextResponseAfter(long bytes) => Interlocked.Exchange(ref _cutAfter, bytes);

    /// <summary>The next response sends this many body bytes, then waits until the server stops.</summary>
    public void StallNextResponseAfter(long bytes) => Interlocked.Exchange(ref _stallAfter, bytes);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        _listener.Close();
        await _accepting;
        _stopping.Dispose();
    }

    /// <summary>A deterministic fake model: the GGUF magic and version 3, then pseudo-random bytes that do not compress or repeat.</summary>
    public static byte[] GgufBytes(int length, int seed = 7)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        "GGUF"u8.CopyTo(bytes);
        BitConverter.TryWriteBytes(bytes.AsSpan(4), 3);
        return bytes;
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(context));
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            var path = Uri.UnescapeDataString(context.Request.Url!.AbsolutePath.TrimStart('/'));
            var rangeHeader = context.Request.Headers["Range"];
            Requests.Enqueue((path, rangeHeader));
            if (!_files.TryGetValue(path, out var bytes))
            {
                response.StatusCode = 404;
                response.ContentType = "text/html";
                var page = "<html><body>Not Found</body></html>"u8.ToArray();
                response.ContentLength64 = page.Length;
                await response.OutputStream.WriteAsync(page);
                response.Close();
                return;
            }

            long start = 0;
            if (!IgnoreRange && rangeHeader is not null && rangeHeader.StartsWith("bytes=", StringComparison.Ordinal) && rangeHeader.EndsWith('-'))
            {
                start = long.Parse(rangeHeader["bytes=".Length..^1], CultureInfo.InvariantCulture);
                if (start >= bytes.Length)
                {
                    response.StatusCode = 416;
                    response.AddHeader("Content-Range", $"bytes */{bytes.Length}");
                    response.ContentLength64 = 0;
                    response.Close();
                    return;
                }

                response.StatusCode = 206;
                response.AddHeader("Content-Range", $"bytes {start}-{bytes.Length - 1}/{bytes.Length}");
            }

            response.ContentType = path.EndsWith(".html", StringComparison.Ordinal) ? "text/html" : "application/octet-stream";
            response.ContentLength64 = bytes.Length - start;
            var cut = Interlocked.Exchange(ref _cutAfter, -1);
            var stall = Interlocked.Exchange(ref _stallAfter, -1);
            var limit = cut >= 0 ? cut : stall >= 0 ? stall : bytes.Length - start;
            await response.OutputStream.WriteAsync(bytes.AsMemory((int)start, (int)Math.Min(limit, bytes.Length - start)));
            await response.OutputStream.FlushAsync();
            if (cut >= 0)
            {
                // Give the client time to read what was sent, so the cut falls after those bytes rather than losing them with the reset.
                await Task.Delay(200);
                response.Abort();
            }
            else if (stall >= 0)
            {
                Stalled.TrySetResult();
                await Task.Delay(Timeout.Infinite, _stopping.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                response.Abort();
            }
            else
            {
                response.Close();
            }
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client went away (a cancelled download); nothing to answer.
            response.Abort();
        }
    }
}
