using Microsoft.Extensions.AI;
using RagStack.LlamaSharp.Tests.Chat;
using RagStack.Models.Gguf;

namespace RagStack.LlamaSharp.Tests.Adapters;

/// <summary>LoRA adapters served side by side on one base model by real llama.cpp.</summary>
public sealed class AdapterRegistryTests(SyntheticModelFixture model) : IClassFixture<SyntheticModelFixture>
{
    private static readonly ChatOptions Greedy = new() { Temperature = 0, MaxOutputTokens = 24, StopSequences = [] };

    private static ChatMessage[] Ask(string text) => [new ChatMessage(ChatRole.User, text)];

    private LlamaChatClient LoadWithAdapters(int maxParallel = 4)
    {
        var client = LlamaChatClient.Load(new LlamaModelOptions { ModelPath = model.ModelPath, ContextLength = 256, MaxParallelRequests = maxParallel, Threads = 2 });
        client.Adapters.Add("alpha", Adapter("alpha.gguf", seed: 1));
        client.Adapters.Add("beta", Adapter("beta.gguf", seed: 2));
        return client;
    }

    private string Adapter(string name, int seed)
    {
        var path = Path.Combine(Path.GetDirectoryName(model.ModelPath)!, name);
        if (!File.Exists(path))
        {
            TestLoraAdapters.Write(model.ModelPath, path, seed);
        }

        return path;
    }

    [Fact]
    public async Task An_adapter_changes_the_reply_and_at_scale_0_gives_the_base_reply()
    {
        using var client = LoadWithAdapters();

        var plain = (await client.GetResponseAsync(Ask("The cat sat on the mat."), Greedy)).Text;
        var adapted = (await client.GetResponseAsync(Ask("The cat sat on the mat."), Greedy.WithAdapter("alpha"))).Text;
        var scaledAway = (await client.GetResponseAsync(Ask("The cat sat on the mat."), Greedy.WithAdapter("alpha", 0f))).Text;

        Assert.NotEqual(plain, adapted);
        Assert.Equal(plain, scaledAway);
    }

    [Fact]
    public async Task Concurrent_requests_with_different_adapters_each_get_what_they_get_alone()
    {
        using var client = LoadWithAdapters();
        (string Prompt, ChatOptions Options)[] requests =
        [
            ("Tom had a red ball.", Greedy.WithAdapter("alpha")),
            ("Tom had a red ball.", Greedy.WithAdapter("beta")),
            ("Tom had a red ball.", Greedy),
            ("Sue saw a big dog.", Greedy.WithAdapter("alpha")),
            ("Sue saw a big dog.", Greedy.WithAdapter("beta", 0.5f)),
        ];
        var alone = new List<string>();
        foreach (var (prompt, options) in requests)
        {
            alone.Add((await client.GetResponseAsync(Ask(prompt), options)).Text);
        }

        var together = await Task.WhenAll(requests.Select(r => client.GetResponseAsync(Ask(r.Prompt), r.Options)));

        Assert.Equal(alone, together.Select(r => r.Text));
        Assert.Equal(3, alone.Take(3).Distinct().Count());
    }

    [Fact]
    public async Task A_prefix_cached_under_one_adapter_is_never_reused_under_another()
    {
        using var client = LoadWithAdapters();
        var context = string.Join(" ", Enumerable.Repeat("The boat sailed past the lighthouse at night.", 4));
        ChatMessage[] messages = [new(ChatRole.System, context), new(ChatRole.User, "What did the boat pass?")];

        await client.GetResponseAsync(messages, Greedy.WithAdapter("alpha"));
        var underBeta = await client.GetResponseAsync(messages, Greedy.WithAdapter("beta"));
        var againUnderAlpha = await client.GetResponseAsync(messages, Greedy.WithAdapter("alpha"));

        Assert.Equal(0, underBeta.Usage!.CachedInputTokenCount);
        Assert.True(againUnderAlpha.Usage!.CachedInputTokenCount > 0);
    }

    [Fact]
    public async Task Removing_an_adapter_lets_its_running_request_finish_then_refuses_it()
    {
        using var client = LoadWithAdapters();
        var options = new ChatOptions { Temperature = 0, MaxOutputTokens = 120, StopSequences = [] }.WithAdapter("alpha");
        var expected = (await client.GetResponseAsync(Ask("Once upon a time"), options)).Text;

        var running = client.GetResponseAsync(Ask("Once upon a time"), options);
        var removal = client.Adapters.RemoveAsync("alpha");
        var reply = await running;
        await removal;

        Assert.Equal(expected, reply.Text);
        Assert.Equal(["beta"], client.Adapters.Names);
        var error = await Assert.ThrowsAsync<KeyNotFoundException>(() => client.GetResponseAsync(Ask("Hi"), Greedy.WithAdapter("alpha")));
        Assert.Contains("beta", error.Message, StringComparison.Ordinal);
        Assert.NotEmpty((await client.GetResponseAsync(Ask("Hi"), Greedy.WithAdapter("beta"))).Text);
    }

    [Fact]
    public async Task An_adapter_removed_and_added_again_under_the_same_name_is_served()
    {
        using var client = LoadWithAdapters();

        await client.Adapters.RemoveAsync("beta");
        client.Adapters.Add("beta", Adapter("alpha.gguf", seed: 1));

        Assert.Equal(["alpha", "beta"], client.Adapters.Names);
    }

    [Fact]
    public void An_adapter_made_for_another_base_model_is_refused_naming_the_mismatch()
    {
        using var client = LoadWithAdapters();
        var otherBase = model.Write("wider.gguf", new SyntheticLlamaSpec { EmbeddingLength = 128, FeedForwardLength = 256 });
        var foreign = Path.Combine(Path.GetDirectoryName(model.ModelPath)!, "foreign.gguf");
        TestLoraAdapters.Write(otherBase, foreign, seed: 3);

        var error = Assert.Throws<InvalidDataException>(() => client.Adapters.Add("foreign", foreign));

        Assert.Contains("blk.0.attn_q.weight", error.Message, StringComparison.Ordinal);
        Assert.Contains("64×64", error.Message, StringComparison.Ordinal);
        Assert.Contains("another base model", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("foreign", client.Adapters.Names);
    }

    [Fact]
    public void A_model_file_is_not_accepted_as_an_adapter()
    {
        using var client = LoadWithAdapters();

        var error = Assert.Throws<InvalidDataException>(() => client.Adapters.Add("model", model.ModelPath));

        Assert.Contains("not a LoRA adapter", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_naming_an_unknown_adapter_is_refused_with_the_loaded_names()
    {
        using var client = LoadWithAdapters();

        var error = await Assert.ThrowsAsync<KeyNotFoundException>(() => client.GetResponseAsync(Ask("Hi"), Greedy.WithAdapter("gamma")));

        Assert.Contains("alpha, beta", error.Message, StringComparison.Ordinal);
    }
}
