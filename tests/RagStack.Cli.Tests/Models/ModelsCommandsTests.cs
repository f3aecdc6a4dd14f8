using System.Security.Cryptography;
using RagStack.Models.Catalog;

namespace RagStack.Cli.Tests.Models;

/// <summary><c>ragstack models …</c> as a user runs it: the real executable, a temporary data folder, a real HTTP server on loopback.</summary>
public sealed class ModelsCommandsTests : IAsyncLifetime
{
    private static readonly byte[] Model = LoopbackFileServer.GgufBytes(300_000);
    private readonly CliProcess _cli = new();
    private LoopbackFileServer _server = null!;

    private string ModelsDirectory => Path.Combine(_cli.DataDir, "models");

    private static string Sha256Of(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public async Task InitializeAsync() => _server = await LoopbackFileServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _cli.Dispose();
    }

    [Fact]
    public async Task Models_list_on_an_empty_folder_shows_the_catalogue_and_nothing_installed()
    {
        var list = await _cli.JsonAsync("models", "list");

        Assert.Equal(ModelsDirectory, list.GetProperty("modelsDirectory").GetString());
        Assert.Empty(list.GetProperty("installed").EnumerateArray());
        Assert.False(list.TryGetProperty("default", out _));
        var catalogue = list.GetProperty("catalogue").EnumerateArray().ToList();
        Assert.Equal(ModelCatalog.Models.Select(m => m.Name), catalogue.Select(m => m.GetProperty("name").GetString()));
        Assert.All(catalogue, m => Assert.False(m.GetProperty("installed").GetBoolean()));
    }

    [Fact]
    public async Task Pull_from_a_url_installs_the_file_and_list_shows_it_as_the_default_with_its_hash()
    {
        var url = _server.Serve("downloads/tiny-chat.Q4_K_M.gguf", Model);

        var pulled = await _cli.JsonAsync("models", "pull", url.ToString(), "--use");

        var path = Path.Combine(ModelsDirectory, "tiny-chat.Q4_K_M.gguf");
        Assert.Equal(Model, await File.ReadAllBytesAsync(path));
        Assert.Equal("tiny-chat.Q4_K_M", pulled.GetProperty("name").GetString());
        Assert.Equal(path, pulled.GetProperty("path").GetString());
        Assert.Equal(Sha256Of(Model), pulled.GetProperty("sha256").GetString());
        Assert.False(pulled.GetProperty("checksumVerified").GetBoolean());
        Assert.True(pulled.GetProperty("isDefault").GetBoolean());

        var list = await _cli.JsonAsync("models", "list");
        var installed = Assert.Single(list.GetProperty("installed").EnumerateArray());
        Assert.Equal("tiny-chat.Q4_K_M", installed.GetProperty("name").GetString());
        Assert.Equal(Sha256Of(Model), installed.GetProperty("sha256").GetString());
        Assert.Equal(Model.Length, installed.GetProperty("sizeBytes").GetInt64());
        Assert.Equal(url.ToString(), installed.GetProperty("source").GetString());
        Assert.True(installed.GetProperty("isDefault").GetBoolean());
        Assert.Equal(path, list.GetProperty("default").GetString());
    }

    [Fact]
    public async Task Pull_without_a_published_checksum_says_so_and_prints_the_hash_it_recorded()
    {
        var url = _server.Serve("tiny.gguf", Model);

        var (exitCode, output, error) = await _cli.RunAsync("models", "pull", url.ToString());

        Assert.True(exitCode == 0, error);
        Assert.Contains("tiny has no published checksum; recorded the SHA-256 computed while downloading: " + Sha256Of(Model), string.Join(' ', output.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pull_with_a_wrong_sha256_fails_with_one_line_naming_both_hashes_and_installs_nothing()
    {
        var url = _server.Serve("tiny.gguf", Model);
        var wrong = Sha256Of([42]);

        var (exitCode, _, error) = await _cli.RunAsync("models", "pull", url.ToString(), "--sha256", wrong);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: tiny: tiny.gguf has SHA-256 " + Sha256Of(Model) + ", expected " + wrong, line, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(ModelsDirectory));
    }

    [Fact]
    public async Task Pull_of_an_unreachable_url_gives_the_offline_error_in_one_line_and_exit_code_1()
    {
        var (exitCode, output, error) = await _cli.RunAsync("models", "pull", "http://127.0.0.1:1/qwen.gguf");

        Assert.Equal(1, exitCode);
        Assert.Equal("", output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: qwen: cannot reach 127.0.0.1: ", line, StringComparison.Ordinal);
        Assert.EndsWith($"Download the file on a connected machine and pass its path with --model, or copy it into {ModelsDirectory}", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pull_finds_the_partial_file_of_an_interrupted_pull_says_so_and_resumes_it()
    {
        var url = _server.Serve("tiny.gguf", Model);
        Directory.CreateDirectory(ModelsDirectory);
        await File.WriteAllBytesAsync(Path.Combine(ModelsDirectory, "tiny.gguf.part"), Model[..120_000]);

        var (exitCode, output, error) = await _cli.RunAsync("models", "pull", url.ToString());

        Assert.True(exitCode == 0, error);
        Assert.Contains("Resuming tiny: 120.0 kB already downloaded (tiny.gguf.part).", output, StringComparison.Ordinal);
        Assert.Equal("bytes=120000-", Assert.Single(_server.Requests).Range);
        Assert.Equal(Model, await File.ReadAllBytesAsync(Path.Combine(ModelsDirectory, "tiny.gguf")));
    }

    [Fact]
    public async Task Use_of_an_unknown_model_fails_with_one_line_and_exit_code_1()
    {
        var (exitCode, _, error) = await _cli.RunAsync("models", "use", "no-such-model");

        Assert.Equal(1, exitCode);
        Assert.StartsWith("error: no-such-model: neither an installed model nor a file", Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }
}
