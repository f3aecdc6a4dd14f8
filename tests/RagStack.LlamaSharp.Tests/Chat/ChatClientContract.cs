using System.Diagnostics;
using Microsoft.Extensions.AI;
using RagStack.Generation;

namespace RagStack.LlamaSharp.Tests.Chat;

/// <summary>
/// What <see cref="LlamaChatClient"/> promises, on real llama.cpp: run against the real pretrained stories260K (when
/// ../shared has it) and against a model our GGUF writer builds on the spot (always).
/// </summary>
public abstract class ChatClientContract
{
    private static readonly ChatOptions Greedy = new() { Temperature = 0, MaxOutputTokens = 40 };

    /// <summary>The GGUF model under test; skips the test when it is absent.</summary>
    protected abstract string ModelPath { get; }

    private LlamaChatClient Load(Action<LlamaModelOptions>? configure = null) => Load(ModelPath, configure);

    private static LlamaChatClient Load(string path, Action<LlamaModelOptions>? configure = null)
    {
        var options = new LlamaModelOptions { ModelPath = path, ContextLength = 512, Threads = 2 };
        configure?.Invoke(options);
        return LlamaChatClient.Load(options);
    }

    private static ChatMessage[] Ask(string text) => [new ChatMessage(ChatRole.User, text)];

    [SkippableFact]
    public async Task Greedy_reply_matches_a_raw_llama_cpp_loop_over_the_same_prompt()
    {
        var path = ModelPath;
        using var client = Load(path);
        var messages = Ask("Once upon a time there was a little cat.");

        var reply = await client.GetResponseAsync(messages, new ChatOptions { Temperature = 0, MaxOutputTokens = 30, StopSequences = [] });
        // The transcript's own stop sequences also apply to the client, so compare the raw text up to the same point.
        var raw = GreedyGeneration.Run(path, "User: Once upon a time there was a little cat.\n\nAssistant:", 30, contextSize: 1024, stopAtEndOfGeneration: true).Text;
        var expected = raw.Split("\nUser:")[0].Split("\nSystem:")[0];

        Assert.NotEmpty(reply.Text);
        Assert.Equal(expected, reply.Text);
    }

    [SkippableFact]
    public async Task Streaming_yields_text_then_usage_with_the_prompt_token_count()
    {
        using var client = Load();
        var messages = Ask("Tom had a red ball.");
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(messages, Greedy))
        {
            updates.Add(update);
        }

        var usage = updates.SelectMany(u => u.Contents).OfType<UsageContent>().Single().Details;
        Assert.True(updates.Count(u => u.Text.Length > 0) >= 2, "the reply should arrive in several pieces");
        Assert.Equal(string.Concat(updates.Select(u => u.Text)), (await client.GetResponseAsync(messages, Greedy)).Text);
        Assert.Equal(client.CountPromptTokens(messages), usage.InputTokenCount);
        Assert.InRange(usage.OutputTokenCount!.Value, 1, 40);
        Assert.NotNull(updates[^1].FinishReason);
    }

    [SkippableFact]
    public async Task Max_output_tokens_ends_the_reply_with_finish_reason_length()
    {
        using var client = Load();

        var reply = await client.GetResponseAsync(Ask("Lily went to the park."), new ChatOptions { Temperature = 0, MaxOutputTokens = 5 });

        Assert.Equal(ChatFinishReason.Length, reply.FinishReason);
        Assert.Equal(5, reply.Usage!.OutputTokenCount);
    }

    [SkippableFact]
    public async Task A_stop_sequence_ends_the_reply_and_is_never_shown()
    {
        using var client = Load();
        var messages = Ask("Once upon a time there was a little cat.");
        var free = (await client.GetResponseAsync(messages, Greedy)).Text;
        Assert.True(free.Length >= 12, $"the reply is too short to pick a stop sequence from: '{free}'");
        var stop = free.Substring(8, 3);

        var cut = await client.GetResponseAsync(messages, new ChatOptions { Temperature = 0, MaxOutputTokens = 40, StopSequences = [stop] });

        Assert.Equal(free[..free.IndexOf(stop, StringComparison.Ordinal)], cut.Text);
        Assert.Equal(ChatFinishReason.Stop, cut.FinishReason);
    }

    [SkippableFact]
    public async Task Concurrent_requests_each_get_the_reply_they_would_get_alone()
    {
        using var client = Load(o => o.MaxParallelRequests = 4);
        string[] prompts = ["The dog ran fast.", "Sue liked to sing.", "A big tree stood in the yard.", "Ben saw a bird.", "The sun was hot.", "Mia had a toy car."];
        var alone = new List<string>();
        foreach (var prompt in prompts)
        {
            alone.Add((await client.GetResponseAsync(Ask(prompt), Greedy)).Text);
        }

        var together = await Task.WhenAll(prompts.Select(p => client.GetResponseAsync(Ask(p), Greedy)));

        Assert.Equal(alone, together.Select(r => r.Text));
    }

    [SkippableFact]
    public async Task A_second_request_over_the_same_context_reuses_the_evaluated_prefix()
    {
        using var client = Load();
        var context = string.Join(" ", Enumerable.Repeat("The little girl played with her dog in the big green park.", 12));
        ChatMessage[] first = [new(ChatRole.System, context), new(ChatRole.User, "What did she do?")];
        ChatMessage[] second = [new(ChatRole.System, context), new(ChatRole.User, "Who was with her?")];
        var contextTokens = client.CountPromptTokens([new(ChatRole.System, context)]);

        var cold = await client.GetResponseAsync(first, Greedy);
        var before = client.EvaluatedPromptTokens;
        var warm = await client.GetResponseAsync(second, Greedy);

        Assert.Equal(0, cold.Usage!.CachedInputTokenCount);
        Assert.True(warm.Usage!.CachedInputTokenCount >= contextTokens - 5, $"cached {warm.Usage.CachedInputTokenCount} of a {contextTokens}-token context");
        Assert.Equal(warm.Usage.InputTokenCount - warm.Usage.CachedInputTokenCount, client.EvaluatedPromptTokens - before);
    }

    [SkippableFact]
    public async Task A_reused_prefix_gives_the_same_reply_as_a_cold_start()
    {
        var path = ModelPath;
        var context = string.Join(" ", Enumerable.Repeat("Tim and Sam built a tall tower of blocks.", 10));
        ChatMessage[] warmUp = [new(ChatRole.System, context), new(ChatRole.User, "Then what?")];
        ChatMessage[] question = [new(ChatRole.System, context), new(ChatRole.User, "What fell?")];
        using var cold = Load(path, o => o.PrefixCacheEntries = 0);
        using var warm = Load(path);

        var expected = (await cold.GetResponseAsync(question, Greedy)).Text;
        await warm.GetResponseAsync(warmUp, Greedy);
        var reused = await warm.GetResponseAsync(question, Greedy);

        Assert.True(reused.Usage!.CachedInputTokenCount > 0);
        Assert.Equal(expected, reused.Text);
    }

    [SkippableFact]
    public async Task Cancelling_a_stream_stops_it_promptly_and_the_model_serves_the_next_request()
    {
        using var client = Load();
        using var cancel = new CancellationTokenSource();
        var received = 0;
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(Ask("Once upon a time"), new ChatOptions { Temperature = 0, MaxOutputTokens = 400 }, cancel.Token))
            {
                if (++received == 3)
                {
                    clock.Restart();
                    await cancel.CancelAsync();
                }
            }
        });

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"cancellation took {clock.Elapsed}");
        var next = await client.GetResponseAsync(Ask("The cat sat."), Greedy);
        Assert.NotEmpty(next.Text);
    }

    [SkippableFact]
    public async Task A_prompt_longer_than_the_window_is_refused_with_a_clear_error()
    {
        using var client = Load(o => o.ContextLength = 64);
        var longPrompt = string.Join(" ", Enumerable.Repeat("The cat sat on the mat.", 40));

        var error = await Assert.ThrowsAsync<ContextWindowExceededException>(() => client.GetResponseAsync(Ask(longPrompt), Greedy));

        Assert.Equal(64, error.ContextLength);
        Assert.Contains("64 tokens", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_reply_that_would_pass_the_window_edge_ends_there_instead_of_failing()
    {
        using var client = Load(o => o.ContextLength = 64);
        var messages = Ask("The cat sat on the mat. The dog sat on the rug.");
        var room = 64 - client.CountPromptTokens(messages);

        var reply = await client.GetResponseAsync(messages, new ChatOptions { Temperature = 0, MaxOutputTokens = 500, StopSequences = [] });

        Assert.True(reply.Usage!.OutputTokenCount <= room, $"{reply.Usage.OutputTokenCount} tokens generated with {room} left");
    }

    [SkippableFact]
    public async Task The_same_seed_gives_the_same_sampled_reply()
    {
        using var client = Load();
        var options = new ChatOptions { Temperature = 1.0f, Seed = 42, MaxOutputTokens = 30 };

        var first = await client.GetResponseAsync(Ask("Once upon a time"), options);
        var second = await client.GetResponseAsync(Ask("Once upon a time"), options);

        Assert.Equal(first.Text, second.Text);
    }

    [SkippableFact]
    public void The_client_offers_its_token_counter_to_callers_that_pack_prompts()
    {
        using var client = Load();

        var counter = ((IChatClient)client).GetService<IChatTokenCounter>();

        Assert.Same(client, counter);
        Assert.Equal(512, counter!.ContextLength);
    }
}
