using System.Security.Cryptography;
using System.Text.Json;
using RagStack.Models.Catalog;
using Xunit;

namespace RagStack.Models.Tests.Catalog;

/// <summary>The store over a real data folder, pulling from a real HTTP server on loopback.</summary>
public sealed class ModelStoreTests : IAsyncLifetime
{
    private static readonly byte[] Model = LoopbackFileServer.GgufBytes(256 * 1024 + 3);
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("ragstack-store-");
    private readonly HttpClient _http = new();
    private LoopbackFileServer _server = null!;

    private static string Sha256Of(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public async Task InitializeAsync() => _server = await LoopbackFileServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _http.Dispose();
        _data.Delete(recursive: true);
    }

    [Fact]
    public void An_empty_folder_has_no_models_and_no_default()
    {
        var store = ModelStore.Open(_data.FullName);

        Assert.Empty(store.List());
        Assert.Null(store.DefaultModelPath);
        Assert.Null(store.Resolve("anything"));
        Assert.Equal(Path.Combine(_data.FullName, "models"), store.ModelsDirectory);
    }

    [Fact]
    public async Task A_pulled_model_is_registered_with_its_source_size_and_computed_hash()
    {
        var store = ModelStore.Open(_data.FullName);
        var source = ModelCatalog.ResolveSource(_server.Serve("files/tiny-q4.gguf", Model).ToString());

        var pulled = await store.PullAsync(source, new ModelDownloader(_http));

        Assert.False(pulled.AlreadyInstalled);
        var model = Assert.Single(ModelStore.Open(_data.FullName).List());
        Assert.Equal("tiny-q4", model.Name);
        Assert.Equal(Path.Combine(store.ModelsDirectory, "tiny-q4.gguf"), model.Path);
        Assert.Equal(Model.Length, model.SizeBytes);
        Assert.Equal(Sha256Of(Model), model.Sha256);
        Assert.False(model.ChecksumVerified);
        Assert.Equal(source.Url, model.SourceUrl);
        Assert.True(model.Registered);
        Assert.NotNull(model.PulledAt);
        Assert.Equal(model, pulled.Model);

        using var registry = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(store.ModelsDirectory, "models.json")));
        var entry = Assert.Single(registry.RootElement.GetProperty("models").EnumerateArray());
        Assert.Equal("tiny-q4.gguf", entry.GetProperty("file").GetString());
        Assert.Equal(Sha256Of(Model), entry.GetProperty("sha256").GetString());
        Assert.Equal(["models.json", "tiny-q4.gguf"], Directory.GetFiles(store.ModelsDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Pulling_an_installed_model_again_downloads_nothing()
    {
        var store = ModelStore.Open(_data.FullName);
        var source = ModelCatalog.ResolveSource(_server.Serve("tiny.gguf", Model).ToString(), Sha256Of(Model));
        await store.PullAsync(source, new ModelDownloader(_http));

        var again = await store.PullAsync(source, new ModelDownloader(_http));

        Assert.True(again.AlreadyInstalled);
        Assert.True(again.Model.ChecksumVerified);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task A_file_copied_in_by_hand_with_the_expected_hash_is_adopted_without_downloading()
    {
        var store = ModelStore.Open(_data.FullName);
        await File.WriteAllBytesAsync(Path.Combine(store.ModelsDirectory, "tiny.gguf"), Model);
        var source = ModelCatalog.ResolveSource(_server.Serve("tiny.gguf", Model).ToString(), Sha256Of(Model));

        var pulled = await store.PullAsync(source, new ModelDownloader(_http));

        Assert.True(pulled.AlreadyInstalled);
        Assert.True(pulled.Model.Registered);
        Assert.True(pulled.Model.ChecksumVerified);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task A_file_copied_in_by_hand_is_listed_unregistered_under_its_file_name()
    {
        var store = ModelStore.Open(_data.FullName);
        var path = Path.Combine(store.ModelsDirectory, "Hand-Copied.Q8_0.gguf");
        await File.WriteAllBytesAsync(path, Model);
        await File.WriteAllBytesAsync(Path.Combine(store.ModelsDirectory, "notes.txt"), [1]);
        await File.WriteAllBytesAsync(Path.Combine(store.ModelsDirectory, "half.gguf.part"), [1]);

        var model = Assert.Single(store.List());

        Assert.Equal(new InstalledModel("Hand-Copied.Q8_0", path, Model.Length, null, false, null, null, Registered: false), model);
        Assert.Equal(path, store.Resolve("hand-copied.q8_0"));
        Assert.Equal(path, store.Resolve("Hand-Copied.Q8_0.gguf"));
    }

    [Fact]
    public async Task The_only_installed_model_is_the_default_until_there_are_two()
    {
        var store = ModelStore.Open(_data.FullName);
        var first = Path.Combine(store.ModelsDirectory, "first.gguf");
        await File.WriteAllBytesAsync(first, Model);

        Assert.Equal(first, store.DefaultModelPath);

        await File.WriteAllBytesAsync(Path.Combine(store.ModelsDirectory, "second.gguf"), Model);

        Assert.Null(store.DefaultModelPath);
    }

    [Fact]
    public async Task The_model_set_with_use_is_the_default_and_survives_reopening()
    {
        var store = ModelStore.Open(_data.FullName);
        await File.WriteAllBytesAsync(Path.Combine(store.ModelsDirectory, "first.gguf"), Model);
        var second = Path.Combine(store.ModelsDirectory, "second.gguf");
        await File.WriteAllBytesAsync(second, Model);

        Assert.Equal(second, store.SetDefault("second"));

        Assert.Equal(second, ModelStore.Open(_data.FullName).DefaultModelPath);
    }

    [Fact]
    public async Task A_file_outside_the_folder_can_be_the_default_and_an_existing_path_wins_over_a_name()
    {
        var store = ModelStore.Open(_data.FullName);
        await File.WriteAllBytesAsync(Path.Combine(store.ModelsDirectory, "first.gguf"), Model);
        await File.WriteAllBytesAsync(Path.Combine(store.ModelsDirectory, "second.gguf"), Model);
        var outside = Path.Combine(_data.FullName, "first");
        await File.WriteAllBytesAsync(outside, Model);

        Assert.Equal(outside, store.Resolve(outside));
        store.SetDefault(outside);

        Assert.Equal(outside, ModelStore.Open(_data.FullName).DefaultModelPath);
    }

    [Fact]
    public void Setting_an_unknown_default_is_refused_and_changes_nothing()
    {
        var store = ModelStore.Open(_data.FullName);

        var error = Assert.Throws<ModelNotFoundException>(() => store.SetDefault("nothing-here"));

        Assert.Equal("nothing-here", error.NameOrPath);
        Assert.False(File.Exists(Path.Combine(store.ModelsDirectory, "models.json")));
    }

    [Fact]
    public async Task A_registered_model_whose_file_was_deleted_is_no_longer_listed()
    {
        var store = ModelStore.Open(_data.FullName);
        var source = ModelCatalog.ResolveSource(_server.Serve("tiny.gguf", Model).ToString());
        var pulled = await store.PullAsync(source, new ModelDownloader(_http));

        File.Delete(pulled.Model.Path);

        Assert.Empty(store.List());
        Assert.Null(store.Resolve("tiny"));
    }

    [Fact]
    public async Task A_corrupt_registry_is_reported_with_its_path_instead_of_being_overwritten()
    {
        var store = ModelStore.Open(_data.FullName);
        var registry = Path.Combine(store.ModelsDirectory, "models.json");
        await File.WriteAllTextAsync(registry, "{ not json");

        var error = Assert.Throws<InvalidDataException>(() => store.List());

        Assert.StartsWith($"{registry} is not a valid model registry", error.Message, StringComparison.Ordinal);
        Assert.Equal("{ not json", await File.ReadAllTextAsync(registry));
    }

    [Fact]
    public async Task An_interrupted_pull_reports_the_bytes_it_can_resume_from()
    {
        var store = ModelStore.Open(_data.FullName);
        var source = ModelCatalog.ResolveSource(_server.Serve("tiny.gguf", Model).ToString());
        _server.CutNextResponseAfter(100_000);
        await Assert.ThrowsAsync<ModelDownloadException>(() => store.PullAsync(source, new ModelDownloader(_http)));

        var partial = store.PartialDownloadBytes(source);

        Assert.Equal(new FileInfo(Path.Combine(store.ModelsDirectory, "tiny.gguf.part")).Length, partial);
        Assert.InRange(partial, 1, 100_000);
        Assert.Empty(store.List());
    }
}
