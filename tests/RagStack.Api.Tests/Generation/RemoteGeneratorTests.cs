using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using RagStack.LlamaSharp.Tests.Adapters;
using RagStack.ModelHost.Tests;
using RagStack.Models.Gguf;
using static RagStack.Api.Tests.ApiClient;

namespace RagStack.Api.Tests.Generation;

/// <summary>
/// A real model host on loopback Kestrel (llama.cpp, with a LoRA adapter served as <c>legal</c>), and the service with
/// <c>RagStack:RemoteGenerator:Endpoint</c> pointing at it. The host records the model id of every chat request it receives.
/// </summary>
public abstract class RemoteGeneratorFixture : IAsyncLifetime
{
    public const string BaseId = "tiny";

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ragstack-remote-");
    private WebApplication? _host;

    /// <summary>The model ids the host was asked for, in order.</summary>
    public ConcurrentQueue<string> RequestedModels { get; } = new();

    public ApiFixture Api { get; private set; } = null!;

    /// <summary>Writes or finds the base model and an adapter for it in <paramref name="folder"/>; null when the model is not available here.</summary>
    protected abstract (string Model, string Adapter)? Models(string folder);

    public async Task InitializeAsync()
    {
        if (Models(_folder.FullName) is not var (model, adapter))
        {
            return;
        }

        _host = await TestHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["RagStack:Generator:ModelPath"] = model,
                ["RagStack:ModelHost:ModelId"] = BaseId,
                ["RagStack:Generator:ContextLength"] = "1024",
                ["RagStack:Generator:Threads"] = "2",
                ["RagStack:ModelHost:Adapters:legal"] = adapter,
            },
            RecordModelAsync);
        Api = new RemoteModelApi(new Uri(TestHost.AddressOf(_host), "/v1"));
        await Api.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        if (Api is IAsyncLifetime api)
        {
            await api.DisposeAsync();
        }

        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _folder.Delete(recursive: true);
    }

    private async Task RecordModelAsync(HttpContext context, Func<Task> next)
    {
        if (context.Request.Path == "/v1/chat/completions")
        {
            context.Request.EnableBuffering();
            using (var body = await JsonDocument.ParseAsync(context.Request.Body))
            {
                RequestedModels.Enqueue(body.RootElement.GetProperty("model").GetString()!);
            }

            context.Request.Body.Position = 0;
        }

        await next();
    }

    /// <summary>The service answering through the model host; the <c>legal</c> domain switches its adapter on.</summary>
    private sealed class RemoteModelApi(Uri endpoint) : ApiFixture
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("RagStack:RemoteGenerator:Endpoint", endpoint.ToString());
            builder.UseSetting("RagStack:RemoteGenerator:Model", BaseId);
            // With a model server the adapter is the server's: the setting only names the domain as one with an adapter.
            builder.UseSetting("RagStack:Domains:legal:Adapter", "served by the model host");
            // A domain whose adapter the host does not serve.
            builder.UseSetting("RagStack:Domains:orchard:Index", "default");
            builder.UseSetting("RagStack:Domains:orchard:Adapter", "not served");
        }
    }
}

/// <summary>A synthetic Llama with random weights and a random LoRA adapter, written by our GGUF writers: runs everywhere.</summary>
public sealed class SyntheticRemoteGeneratorFixture : RemoteGeneratorFixture
{
    private static readonly SyntheticLlamaSpec Spec = new() { Layers = 2, EmbeddingLength = 64, FeedForwardLength = 128, ContextLength = 1024 };

    protected override (string Model, string Adapter)? Models(string folder)
    {
        var model = Path.Combine(folder, "synthetic.gguf");
        var adapter = Path.Combine(folder, "legal.gguf");
        SyntheticLlama.Write(model, Spec);
        TestLoraAdapters.Write(adapter, Spec, seed: 7);
        return (model, adapter);
    }
}

/// <summary>The real stories260K model from <c>../shared/models</c>, with a random LoRA adapter shaped for it.</summary>
public sealed class StoriesRemoteGeneratorFixture : RemoteGeneratorFixture
{
    protected override (string Model, string Adapter)? Models(string folder)
    {
        if (SharedModels.Stories260K is not { } model)
        {
            return null;
        }

        var adapter = Path.Combine(folder, "legal.gguf");
        TestLoraAdapters.Write(model, adapter, seed: 7);
        return (model, adapter);
    }
}

public sealed class RemoteGeneratorTests(SyntheticRemoteGeneratorFixture remote) : IClassFixture<SyntheticRemoteGeneratorFixture>
{
    [Fact]
    public async Task An_answer_is_generated_by_the_model_host_from_the_retrieved_sources()
    {
        await RemoteGeneratorAssertions.GeneratedFromTheGardeningNote(remote);
    }

    [Fact]
    public async Task A_domain_with_an_adapter_asks_the_model_host_for_base_plus_domain()
    {
        await RemoteGeneratorAssertions.TheDomainAdapterReachesTheHost(remote);
    }

    [Fact]
    public async Task A_domain_whose_adapter_the_host_does_not_serve_is_a_503_naming_the_model()
    {
        var (response, body) = await PostAsync(remote.Api.CreateClient(), "/api/ask", new { question = "How often should tomato plants be watered?", domain = "orchard", maxTokens = 4 });

        AssertProblem(response, body, 503, $"{RemoteGeneratorFixture.BaseId}+orchard");
    }

    [Fact]
    public async Task A_prompt_the_model_host_finds_too_long_for_its_window_is_a_400_saying_what_to_set()
    {
        // The synthetic vocabulary is about one token per character: the service's estimate (a third of that) fits its
        // default 4096-token budget, the host's 1024-token window does not.
        var question = "Why " + string.Join(' ', Enumerable.Repeat("tomato watering schedule", 100)) + "?";

        var (response, body) = await PostAsync(remote.Api.CreateClient(), "/api/ask", new { question, maxTokens = 8 });

        AssertProblem(response, body, 400, "refused the prompt as longer than its window");
        Assert.Contains("RagStack:Answering:ContextLength", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}

public sealed class StoriesRemoteGeneratorTests(StoriesRemoteGeneratorFixture remote) : IClassFixture<StoriesRemoteGeneratorFixture>
{
    [SkippableFact]
    public async Task Stories260K_behind_the_model_host_answers_from_the_retrieved_sources()
    {
        Skip.If(SharedModels.Stories260K is null, SharedModels.Missing);

        await RemoteGeneratorAssertions.GeneratedFromTheGardeningNote(remote);
        await RemoteGeneratorAssertions.TheDomainAdapterReachesTheHost(remote);
    }
}

/// <summary>What every model behind the model host must give, whatever its weights.</summary>
internal static class RemoteGeneratorAssertions
{
    public static async Task GeneratedFromTheGardeningNote(RemoteGeneratorFixture remote)
    {
        var (response, body) = await PostAsync(remote.Api.CreateClient(), "/api/ask", new { question = "How often should tomato plants be watered?", maxTokens = 12, temperature = 0 });

        response.EnsureSuccessStatusCode();
        Assert.Equal("generated", body.GetProperty("kind").GetString());
        Assert.NotEmpty(body.GetProperty("text").GetString()!);
        Assert.True(body.GetProperty("usage").GetProperty("outputTokens").GetInt32() > 0);
        // A model that writes no [n] still answered from the retrieved note, which the notice names.
        var grounded = body.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("citation").GetProperty("document").GetString()).Contains(ApiFixture.GardeningDocument)
            || (body.TryGetProperty("notice", out var notice) && notice.GetString()!.Contains(ApiFixture.GardeningDocument, StringComparison.Ordinal));
        Assert.True(grounded, body.ToString());
        Assert.Contains(RemoteGeneratorFixture.BaseId, remote.RequestedModels);
    }

    public static async Task TheDomainAdapterReachesTheHost(RemoteGeneratorFixture remote)
    {
        var (response, body) = await PostAsync(remote.Api.CreateClient(), "/api/ask", new { question = "How much notice ends the lease?", domain = "legal", maxTokens = 8, temperature = 0 });

        response.EnsureSuccessStatusCode();
        Assert.Equal("generated", body.GetProperty("kind").GetString());
        Assert.Equal("legal", body.GetProperty("adapter").GetProperty("name").GetString());
        Assert.Contains($"{RemoteGeneratorFixture.BaseId}+legal", remote.RequestedModels);
    }
}
