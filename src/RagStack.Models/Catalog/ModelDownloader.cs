using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace RagStack.Models.Catalog;

/// <summary>
/// Downloads a GGUF file over HTTP(S) to a path: resumes an interrupted download, verifies the SHA-256 when one is known,
/// and only ever puts a complete, verified GGUF file at the target.
/// </summary>
public sealed class ModelDownloader
{
    private const int BufferSize = 1 << 20;
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(200);
    private readonly HttpClient _http;
    private readonly TimeProvider _time;

    /// <summary>Creates a downloader that sends its requests through <paramref name="httpClient"/>; time for speed figures comes from <paramref name="timeProvider"/>.</summary>
    public ModelDownloader(HttpClient httpClient, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        _http = httpClient;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Where the bytes of an unfinished download of <paramref name="targetPath"/> are kept between attempts.</summary>
    internal static string PartialPath(string targetPath) => targetPath + ".part";

    /// <summary>
    /// Downloads <paramref name="source"/> to <paramref name="targetPath"/>, continuing from a partial file left by an earlier attempt.
    /// On cancellation or a broken connection the partial file is kept so the next call resumes; on a wrong hash or a file that is not GGUF it is deleted.
    /// </summary>
    public async Task<ModelDownloadResult> DownloadAsync(
        Uri source,
        string targetPath,
        string? expectedSha256 = null,
        IProgress<DownloadProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrWhiteSpace(targetPath);
        if (!source.IsAbsoluteUri || (source.Scheme != Uri.UriSchemeHttp && source.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"'{source}' is not an http or https URL.", nameof(source));
        }

        var expected = expectedSha256 is null ? null : NormalizeSha256(expectedSha256);
        targetPath = Path.GetFullPath(targetPath);
        var directory = Path.GetDirectoryName(targetPath)!;
        Directory.CreateDirectory(directory);
        var fileName = Path.GetFileName(targetPath);
        var partPath = PartialPath(targetPath);

        FileStream part;
        try
        {
            // Exclusive: two pulls of one file must not interleave their bytes in one partial file.
            part = new FileStream(partPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
        }
        catch (IOException ex) when (File.Exists(partPath))
        {
            throw new ModelDownloadException(source, $"{partPath} is in use: another download of {fileName} is running.", ex);
        }

        long resumedFrom;
        long length;
        string actual;
        try
        {
            await using (part)
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
                try
                {
                    // The hash covers the whole file, so the prefix kept from an earlier attempt is hashed again rather than trusted.
                    await HashExistingAsync(part, hash, buffer, cancellationToken);
                    resumedFrom = await ReceiveAsync(source, fileName, part, hash, buffer, directory, progress, cancellationToken);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                length = part.Length;
                await part.FlushAsync(cancellationToken);
                EnsureGguf(source, fileName, part);
                actual = Convert.ToHexStringLower(hash.GetHashAndReset());
                if (expected is not null && expected != actual)
                {
                    throw new ModelChecksumMismatchException(source, fileName, expected, actual);
                }
            }
        }
        catch (Exception ex) when (ex is ModelChecksumMismatchException or ModelFileNotGgufException)
        {
            // Resuming would only append to bytes that are already wrong.
            File.Delete(partPath);
            throw;
        }
        catch (Exception) when (new FileInfo(partPath) is { Exists: true, Length: 0 })
        {
            // Nothing to resume from: an empty partial file would only clutter the models folder.
            File.Delete(partPath);
            throw;
        }

        File.Move(partPath, targetPath, overwrite: true);
        return new ModelDownloadResult(targetPath, length, actual, expected is not null, resumedFrom);
    }

    /// <summary>Lower-case hex of a SHA-256 given by a user or a catalogue; a <see cref="FormatException"/> for anything that is not 64 hex digits.</summary>
    internal static string NormalizeSha256(string sha256)
    {
        var trimmed = sha256.Trim();
        if (trimmed.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase))
        {
            trimmed = trimmed["sha256:".Length..];
        }

        if (trimmed.Length != 64 || !trimmed.All(char.IsAsciiHexDigit))
        {
            throw new FormatException($"'{sha256}' is not a SHA-256 (64 hexadecimal digits).");
        }

        return trimmed.ToLowerInvariant();
    }

    private static async Task HashExistingAsync(FileStream part, IncrementalHash hash, byte[] buffer, CancellationToken cancellationToken)
    {
        part.Position = 0;
        int read;
        while ((read = await part.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }
    }

    /// <summary>Fetches what the partial file lacks; returns how many bytes were kept from the earlier attempt.</summary>
    private async Task<long> ReceiveAsync(Uri source, string fileName, FileStream part, IncrementalHash hash, byte[] buffer, string modelsDirectory, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        var offset = part.Length;
        for (var attempt = 0; ; attempt++)
        {
            using var response = await SendAsync(source, offset, modelsDirectory, cancellationToken);
            var range = response.Content.Headers.ContentRange;
            switch (response.StatusCode)
            {
                case HttpStatusCode.PartialContent when range?.From == offset:
                    await CopyAsync(source, fileName, response, part, hash, buffer, offset, range.Length, progress, cancellationToken);
                    return offset;

                case HttpStatusCode.RequestedRangeNotSatisfiable when offset > 0 && range?.Length == offset:
                    // The earlier attempt received every byte and broke before the file was moved into place; only verification is left.
                    progress?.Report(new DownloadProgress(offset, offset, 0, offset));
                    return offset;

                case HttpStatusCode.OK:
                    // A server that ignores Range sends the whole file again: start over rather than append a second copy.
                    Restart(part, hash);
                    var total = response.Content.Headers.ContentLength;
                    await CopyAsync(source, fileName, response, part, hash, buffer, 0, total, progress, cancellationToken);
                    return 0;

                case HttpStatusCode.PartialContent or HttpStatusCode.RequestedRangeNotSatisfiable when attempt == 0:
                    // The range did not fit the file on the server (it changed, or is shorter than what we hold): start over, once.
                    Restart(part, hash);
                    offset = 0;
                    continue;

                default:
                    throw new ModelDownloadException(source, Describe(source, response));
            }
        }
    }

    private async Task<HttpResponseMessage> SendAsync(Uri source, long offset, string modelsDirectory, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, source);
        if (offset > 0)
        {
            request.Headers.Range = new RangeHeaderValue(offset, null);
        }

        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError)
        {
            throw new ModelSourceUnreachableException(source, Reason(source, ex), modelsDirectory, ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ModelSourceUnreachableException(source, $"no answer within {_http.Timeout.TotalSeconds:0} s", modelsDirectory, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new ModelDownloadException(source, $"{source.Host} did not answer properly: {ex.Message}", ex);
        }
    }

    private async Task CopyAsync(Uri source, string fileName, HttpResponseMessage response, FileStream part, IncrementalHash hash, byte[] buffer, long offset, long? total, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var lastReport = TimeSpan.Zero;
        var received = offset;
        part.Position = offset;
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        while (true)
        {
            int read;
            try
            {
                read = await body.ReadAsync(buffer, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                throw Broken(source, received, total, ex);
            }

            if (read == 0)
            {
                break;
            }

            await part.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            hash.AppendData(buffer, 0, read);
            var before = received;
            received += read;
            if (before < 4 && received >= 4)
            {
                // Stop at once when an error page arrives instead of the model, rather than after the whole body.
                EnsureGguf(source, fileName, part);
            }

            var elapsed = _time.GetElapsedTime(started);
            if (progress is not null && elapsed - lastReport >= ProgressInterval)
            {
                lastReport = elapsed;
                progress.Report(new DownloadProgress(received, total, Speed(received - offset, elapsed), offset));
            }
        }

        if (total is { } expectedLength && received < expectedLength)
        {
            throw Broken(source, received, total, null);
        }

        progress?.Report(new DownloadProgress(received, total ?? received, Speed(received - offset, _time.GetElapsedTime(started)), offset));
    }

    private static double Speed(long bytes, TimeSpan elapsed) => elapsed > TimeSpan.Zero ? bytes / elapsed.TotalSeconds : 0;

    private static void Restart(FileStream part, IncrementalHash hash)
    {
        part.SetLength(0);
        part.Position = 0;
        hash.GetHashAndReset();
    }

    private static void EnsureGguf(Uri source, string fileName, FileStream part)
    {
        Span<byte> head = stackalloc byte[48];
        var read = RandomAccess.Read(part.SafeFileHandle, head, 0);
        head = head[..read];
        if (head is [(byte)'G', (byte)'G', (byte)'U', (byte)'F', ..])
        {
            return;
        }

        throw new ModelFileNotGgufException(source, fileName, DescribeStart(head));
    }

    private static string DescribeStart(ReadOnlySpan<byte> head)
    {
        if (head.IsEmpty)
        {
            return "nothing: it is empty";
        }

        var text = Encoding.UTF8.GetString(head);
        return text.All(c => !char.IsControl(c) || char.IsWhiteSpace(c))
            ? $"\"{string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))}\""
            : $"bytes {Convert.ToHexString(head[..Math.Min(8, head.Length)])}";
    }

    private static ModelDownloadException Broken(Uri source, long received, long? total, Exception? inner)
    {
        var of = total is { } t ? $" of {t.ToString(CultureInfo.InvariantCulture)}" : "";
        var why = inner is null ? "" : $" ({inner.Message})";
        return new ModelDownloadException(source, $"the connection to {source.Host} broke after {received.ToString(CultureInfo.InvariantCulture)}{of} bytes{why}; run the same command again to resume from there.", inner);
    }

    private static string Describe(Uri source, HttpResponseMessage response) => response.StatusCode switch
    {
        HttpStatusCode.NotFound => $"{source} was not found (HTTP 404); check the name or URL.",
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => $"{source} refused access (HTTP {(int)response.StatusCode}); the model may be gated: accept its licence on its page and download it by hand.",
        _ => $"{source} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}.",
    };

    private static string Reason(Uri source, HttpRequestException ex) => ex.HttpRequestError switch
    {
        HttpRequestError.NameResolutionError => $"the name {source.Host} does not resolve (offline, or DNS is failing)",
        _ => ex.InnerException?.Message ?? ex.Message,
    };
}
