using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RagStack.LlamaSharp.Tests.Models;

/// <summary>
/// A real HTTP server (Kestrel on 127.0.0.1, a free port) that serves files from memory with byte-range support,
/// and can be told to cut or stall the next response after some bytes, or to ignore Range as some servers do.
/// Shared with the CLI tests as a linked file.
/// </summary>
internal sealed class LoopbackFileServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private long _cutAfter = -1;
    private long _stallAfter = -1;

    private LoopbackFileServer(WebApplication app) => _app = app;

    /// <summary>Every request the server saw, in order: its path and its Range header (null when it had none).</summary>
    public ConcurrentQueue<(string Path, string? Range)> Requests { get; } = new();

    /// <summary>When set, Range headers are ignored and every answer is the whole file with 200.</summary>
    public bool IgnoreRange { get; set; }

    /// <summary>Completes when a stalled response has sent its bytes and is waiting.</summary>
    public TaskCompletionSource Stalled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<LoopbackFileServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new LoopbackFileServer(app);
        app.Run(server.ServeAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.BaseAddress = new Uri(address + "/");
        return server;
    }

    /// <summary>Serves <paramref name="bytes"/> at <c>/<paramref name="name"/></c> and returns its URL.</summary>
    public Uri Serve(string name, byte[] bytes)
    {
        _files[name] = bytes;
        return new Uri(BaseAddress, name);
    }

    /// <summary>The next response sends this many body bytes, then the connection is cut.</summary>
    public void CutNextResponseAfter(long bytes) => Interlocked.Exchange(ref _cutAfter, bytes);

    /// <summary>The next response sends this many body bytes, then waits until the client goes away.</summary>
    public void StallNextResponseAfter(long bytes) => Interlocked.Exchange(ref _stallAfter, bytes);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task ServeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value!.TrimStart('/');
        var rangeHeader = context.Request.Headers.Range.Count > 0 ? context.Request.Headers.Range.ToString() : null;
        Requests.Enqueue((path, rangeHeader));
        if (!_files.TryGetValue(path, out var bytes))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsync("<html><body>Not Found</body></html>");
            return;
        }

        long start = 0;
        if (!IgnoreRange && rangeHeader is not null && rangeHeader.StartsWith("bytes=", StringComparison.Ordinal) && rangeHeader.EndsWith('-'))
        {
            start = long.Parse(rangeHeader["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
            if (start >= bytes.Length)
            {
                context.Response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                context.Response.Headers.ContentRange = $"bytes */{bytes.Length}";
                return;
            }

            context.Response.StatusCode = StatusCodes.Status206PartialContent;
            context.Response.Headers.ContentRange = $"bytes {start}-{bytes.Length - 1}/{bytes.Length}";
        }

        context.Response.ContentType = path.EndsWith(".html", StringComparison.Ordinal) ? "text/html" : "application/octet-stream";
        context.Response.ContentLength = bytes.Length - start;
        var cut = Interlocked.Exchange(ref _cutAfter, -1);
        var stall = Interlocked.Exchange(ref _stallAfter, -1);
        var limit = cut >= 0 ? cut : stall >= 0 ? stall : bytes.Length - start;
        await context.Response.Body.WriteAsync(bytes.AsMemory((int)start, (int)Math.Min(limit, bytes.Length - start)));
        await context.Response.Body.FlushAsync();
        if (cut >= 0)
        {
            // Give the client time to read what was sent, so the cut falls after those bytes rather than losing them with the reset.
            await Task.Delay(200);
            context.Abort();
        }
        else if (stall >= 0)
        {
            Stalled.TrySetResult();
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>A deterministic fake model: the GGUF magic, then pseudo-random bytes that do not compress or repeat.</summary>
    public static byte[] GgufBytes(int length, int seed = 7)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        "GGUF"u8.CopyTo(bytes);
        BitConverter.TryWriteBytes(bytes.AsSpan(4), 3);
        return bytes;
    }
}
