using System.Diagnostics;
using System.Security.Cryptography;
using RagStack.Models.Catalog;
using Xunit;

namespace RagStack.Models.Tests.Catalog;

/// <summary>The downloader against a real HTTP server on loopback, writing real files.</summary>
public sealed class ModelDownloaderTests : IAsyncLifetime
{
    private static readonly byte[] Model = LoopbackFileServer.GgufBytes(3 * 1024 * 1024 + 17);
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ragstack-download-");
    private readonly HttpClient _http = new();
    private LoopbackFileServer _server = null!;

    private string Target => Path.Combine(_folder.FullName, "tiny.gguf");

    private string Partial => Target + ".part";

    private static string Sha256Of(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public async Task InitializeAsync() => _server = await LoopbackFileServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _http.Dispose();
        _folder.Delete(recursive: true);
    }

    [Fact]
    public async Task A_complete_download_installs_the_exact_bytes_and_reports_their_sha256()
    {
        var url = _server.Serve("tiny.gguf", Model);
        var reports = new List<DownloadProgress>();

        var result = await new ModelDownloader(_http).DownloadAsync(url, Target, progress: new SynchronousProgress(reports.Add));

        Assert.Equal(Model, await File.ReadAllBytesAsync(Target));
        Assert.Equal(Sha256Of(Model), result.Sha256);
        Assert.False(result.ChecksumVerified);
        Assert.Equal(0, result.ResumedFrom);
        Assert.Equal(Model.Length, result.Length);
        Assert.False(File.Exists(Partial));
        Assert.Equal(new DownloadProgress(Model.Length, Model.Length, reports[^1].BytesPerSecond, 0), reports[^1]);
        Assert.True(reports[^1].BytesPerSecond > 0);
    }

    [Fact]
    public async Task Interrupted_download_resumes_from_the_partial_file()
    {
        var url = _server.Serve("tiny.gguf", Model);
        var downloader = new ModelDownloader(_http);
        _server.CutNextResponseAfter(1_000_000);

        var broken = await Assert.ThrowsAsync<ModelDownloadException>(() => downloader.DownloadAsync(url, Target, Sha256Of(Model)));

        Assert.Contains("run the same command again to resume", broken.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Target));
        var kept = new FileInfo(Partial).Length;
        Assert.InRange(kept, 1, 1_000_000);
        Assert.Equal(Model[..(int)kept], await File.ReadAllBytesAsync(Partial));

        var result = await downloader.DownloadAsync(url, Target, Sha256Of(Model));

        Assert.Equal([(string?)null, $"bytes={kept}-"], _server.Requests.Select(r => r.Range));
        Assert.Equal(kept, result.ResumedFrom);
        Assert.True(result.ChecksumVerified);
        Assert.Equal(Model, await File.ReadAllBytesAsync(Target));
        Assert.False(File.Exists(Partial));
    }

    [Fact]
    public async Task Cancelling_keeps_the_partial_file_for_the_next_attempt()
    {
        var url = _server.Serve("tiny.gguf", Model);
        var downloader = new ModelDownloader(_http);
        _server.StallNextResponseAfter(500_000);
        using var cancel = new CancellationTokenSource();

        var download = downloader.DownloadAsync(url, Target, cancellationToken: cancel.Token);
        await _server.Stalled.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(300);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => download);
        Assert.False(File.Exists(Target));
        var kept = new FileInfo(Partial).Length;
        Assert.InRange(kept, 1, 500_000);

        var result = await downloader.DownloadAsync(url, Target);

        Assert.Equal(kept, result.ResumedFrom);
        Assert.Equal(Model, await File.ReadAllBytesAsync(Target));
    }

    [Fact]
    public async Task A_second_download_of_the_same_file_while_the_first_runs_is_refused_without_touching_its_bytes()
    {
        var url = _server.Serve("tiny.gguf", Model);
        var downloader = new ModelDownloader(_http);
        _server.StallNextResponseAfter(300_000);
        using var cancel = new CancellationTokenSource();
        var first = downloader.DownloadAsync(url, Target, cancellationToken: cancel.Token);
        await _server.Stalled.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(300);
        var kept = new FileInfo(Partial).Length;

        var error = await Assert.ThrowsAsync<ModelDownloadException>(() => downloader.DownloadAsync(url, Target));

        Assert.Equal($"{Partial} is in use: another download of tiny.gguf is running.", error.Message);
        Assert.Single(_server.Requests);
        Assert.InRange(kept, 1, 300_000);
        Assert.Equal(kept, new FileInfo(Partial).Length);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
    }

    [Fact]
    public async Task A_wrong_sha256_deletes_the_download_and_names_the_file_and_both_hashes()
    {
        var url = _server.Serve("tiny.gguf", Model);
        var wrong = Sha256Of([1, 2, 3]);

        var error = await Assert.ThrowsAsync<ModelChecksumMismatchException>(() => new ModelDownloader(_http).DownloadAsync(url, Target, wrong.ToUpperInvariant()));

        Assert.Equal("tiny.gguf", error.FileName);
        Assert.Equal(wrong, error.ExpectedSha256);
        Assert.Equal(Sha256Of(Model), error.ActualSha256);
        Assert.Contains(wrong, error.Message, StringComparison.Ordinal);
        Assert.Contains(Sha256Of(Model), error.Message, StringComparison.Ordinal);
        Assert.Empty(_folder.GetFiles());
    }

    [Fact]
    public async Task A_server_that_ignores_range_restarts_the_download_from_zero()
    {
        var url = _server.Serve("tiny.gguf", Model);
        // A partial file whose bytes differ from the server's: appending the whole body to it would corrupt the model.
        await File.WriteAllBytesAsync(Partial, LoopbackFileServer.GgufBytes(200_000, seed: 99));
        _server.IgnoreRange = true;

        var result = await new ModelDownloader(_http).DownloadAsync(url, Target, Sha256Of(Model));

        Assert.Equal("bytes=200000-", Assert.Single(_server.Requests).Range);
        Assert.Equal(0, result.ResumedFrom);
        Assert.Equal(Model, await File.ReadAllBytesAsync(Target));
    }

    [Fact]
    public async Task A_partial_file_that_is_already_complete_is_verified_and_installed_without_downloading_again()
    {
        var url = _server.Serve("tiny.gguf", Model);
        await File.WriteAllBytesAsync(Partial, Model);

        var result = await new ModelDownloader(_http).DownloadAsync(url, Target, Sha256Of(Model));

        Assert.Equal($"bytes={Model.Length}-", Assert.Single(_server.Requests).Range);
        Assert.Equal(Model.Length, result.ResumedFrom);
        Assert.True(result.ChecksumVerified);
        Assert.Equal(Model, await File.ReadAllBytesAsync(Target));
    }

    [Fact]
    public async Task A_partial_file_longer_than_the_servers_file_is_discarded_and_the_download_starts_over()
    {
        var url = _server.Serve("tiny.gguf", Model);
        await File.WriteAllBytesAsync(Partial, LoopbackFileServer.GgufBytes(Model.Length + 10, seed: 5));

        var result = await new ModelDownloader(_http).DownloadAsync(url, Target);

        Assert.Equal([$"bytes={Model.Length + 10}-", null], _server.Requests.Select(r => r.Range));
        Assert.Equal(0, result.ResumedFrom);
        Assert.Equal(Model, await File.ReadAllBytesAsync(Target));
    }

    [Fact]
    public async Task A_missing_file_gives_a_not_found_error_and_leaves_nothing()
    {
        var url = new Uri(_server.BaseAddress, "missing.gguf");

        var error = await Assert.ThrowsAsync<ModelDownloadException>(() => new ModelDownloader(_http).DownloadAsync(url, Target));

        Assert.Equal($"{url} was not found (HTTP 404); check the name or URL.", error.Message);
        Assert.Empty(_folder.GetFiles());
    }

    [Fact]
    public async Task An_html_page_is_never_installed_as_a_model()
    {
        var url = _server.Serve("login.html", "<!DOCTYPE html>\n<html><body>Sign in to continue</body></html>"u8.ToArray());

        var error = await Assert.ThrowsAsync<ModelFileNotGgufException>(() => new ModelDownloader(_http).DownloadAsync(url, Target));

        Assert.Equal("tiny.gguf", error.FileName);
        Assert.Contains("is not a GGUF file (it starts with \"<!DOCTYPE html> <html>", error.Message, StringComparison.Ordinal);
        Assert.Empty(_folder.GetFiles());
    }

    [Theory]
    [InlineData("http://127.0.0.1:1/model.gguf", "127.0.0.1")]
    [InlineData("http://models.ragstack.invalid/model.gguf", "models.ragstack.invalid")]
    public async Task An_unreachable_host_gives_the_offline_error_quickly(string url, string host)
    {
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<ModelSourceUnreachableException>(() => new ModelDownloader(_http).DownloadAsync(new Uri(url), Target));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal(host, error.Host);
        Assert.StartsWith($"cannot reach {host}: ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith($". Download the file on a connected machine and pass its path with --model, or copy it into {_folder.FullName}", error.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(error.Reason));
        Assert.Empty(_folder.GetFiles());
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool, so its last report can arrive after the download returns; tests need every report in order.</summary>
    private sealed class SynchronousProgress(Action<DownloadProgress> report) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => report(value);
    }
}
