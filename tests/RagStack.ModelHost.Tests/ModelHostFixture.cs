using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.AI;
using RagStack.LlamaSharp;
using RagStack.LlamaSharp.Tests.Adapters;
using RagStack.Models.Gguf;

namespace RagStack.ModelHost.Tests;

/// <summary>
/// A synthetic Llama and a random LoRA adapter written by our GGUF writers, served by the model host on a real Kestrel
/// loopback port, and the same model loaded directly in a <see cref="LlamaChatClient"/> to compare the host's replies with.
/// </summary>
public sealed class ModelHostFixture : IAsyncLifetime
{
    public const string BaseId = "synthetic";
    public const string Adapter = "legal";
    public const string AdapterId = BaseId + "+" + Adapter;
    public const int ContextLength = 512;

    private static readonly SyntheticLlamaSpec Spec = new() { Layers = 2, EmbeddingLength = 64, FeedForwardLength = 128, ContextLength = 1024 };
    private readonly TemporaryFolder _folder = new("ragstack-modelhost-");
    private WebApplication? _app;

    public string ModelPath => _folder.Path(BaseId + ".gguf");

    public string AdapterPath => _folder.Path(Adapter + ".gguf");

    /// <summary>The host's address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The same model and adapter, in process: what the host's replies must equal.</summary>
    public LlamaChatClient Direct { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        SyntheticLlama.Write(ModelPath, Spec);
        TestLoraAdapters.Write(AdapterPath, Spec, seed: 7);

        _app = await TestHost.StartAsync(new Dictionary<string, string?>
        {
            ["RagStack:Generator:ModelPath"] = ModelPath,
            ["RagStack:Generator:ContextLength"] = $"{ContextLength}",
            ["RagStack:Generator:Threads"] = "2",
            [$"RagStack:ModelHost:Adapters:{Adapter}"] = AdapterPath,
            // The shipped shapes-64 image model, at few steps; its PNGs kept in this fixture's folder.
            ["RagStack:Images:Steps"] = "2",
            ["RagStack:Images:StoreDirectory"] = _folder.Path("images"),
        });
        BaseAddress = TestHost.AddressOf(_app);

        Direct = LlamaChatClient.Load(new LlamaModelOptions { ModelPath = ModelPath, ContextLength = ContextLength, Threads = 2 });
        Direct.Adapters.Add(Adapter, AdapterPath);
    }

    /// <summary>The reply the model gives in process, for comparison with the host's.</summary>
    public Task<ChatResponse> DirectReplyAsync(string prompt, ChatOptions options) =>
        Direct.GetResponseAsync([new ChatMessage(ChatRole.User, prompt)], options);

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Direct?.Dispose();
        _folder.Dispose();
    }
}

/// <summary>Every test class that talks to the host shares one host and one model load.</summary>
[CollectionDefinition(Name)]
public sealed class ModelHostCollection : ICollectionFixture<ModelHostFixture>
{
    public const string Name = "model host";
}
