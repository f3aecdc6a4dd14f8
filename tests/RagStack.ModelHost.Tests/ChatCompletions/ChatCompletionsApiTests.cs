using System.ClientModel;
using OpenAI;
using OpenAI.Chat;
using RagStack.Generation;
using AI = Microsoft.Extensions.AI;

namespace RagStack.ModelHost.Tests.ChatCompletions;

/// <summary>The chat completions endpoint as the official OpenAI .NET SDK sees it, against the host on real Kestrel.</summary>
[Collection(ModelHostCollection.Name)]
public sealed class ChatCompletionsApiTests(ModelHostFixture host)
{
    private const string Prompt = "Once upon a time there was a little cat.";

    private ChatClient Client(string model) =>
        new(model, new ApiKeyCredential("x"), new OpenAIClientOptions { Endpoint = new Uri(host.BaseAddress, "/v1") });

    private static ChatCompletionOptions Greedy(int maxTokens = 30) => new() { Temperature = 0, MaxOutputTokenCount = maxTokens };

    private static AI.ChatOptions DirectGreedy(int maxTokens = 30) => new() { Temperature = 0, MaxOutputTokens = maxTokens };

    private static string TextOf(ChatCompletion completion) => string.Concat(completion.Content.Select(part => part.Text));

    private static ChatFinishReason FinishReasonOf(AI.ChatResponse reply) =>
        reply.FinishReason == AI.ChatFinishReason.Length ? ChatFinishReason.Length : ChatFinishReason.Stop;

    [Fact]
    public async Task A_greedy_completion_equals_the_local_client_reply()
    {
        var expected = await host.DirectReplyAsync(Prompt, DirectGreedy());

        ChatCompletion completion = await Client(ModelHostFixture.BaseId).CompleteChatAsync([new UserChatMessage(Prompt)], Greedy());

        Assert.NotEmpty(expected.Text);
        Assert.Equal(expected.Text, TextOf(completion));
        Assert.Equal(FinishReasonOf(expected), completion.FinishReason);
        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        Assert.Equal(ModelHostFixture.BaseId, completion.Model);
        Assert.Equal(expected.Usage!.InputTokenCount, completion.Usage.InputTokenCount);
        Assert.Equal(expected.Usage.OutputTokenCount, completion.Usage.OutputTokenCount);
        Assert.Equal(completion.Usage.InputTokenCount + completion.Usage.OutputTokenCount, completion.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task A_streamed_completion_equals_the_local_client_reply_and_ends_with_usage()
    {
        var expected = await host.DirectReplyAsync(Prompt, DirectGreedy());
        var updates = new List<StreamingChatCompletionUpdate>();

        await foreach (var update in Client(ModelHostFixture.BaseId).CompleteChatStreamingAsync([new UserChatMessage(Prompt)], Greedy()))
        {
            updates.Add(update);
        }

        var text = string.Concat(updates.SelectMany(u => u.ContentUpdate).Select(part => part.Text));
        Assert.Equal(expected.Text, text);
        Assert.True(updates.Count(u => u.ContentUpdate.Count > 0) >= 2, "the reply should arrive in several chunks");
        Assert.Equal(FinishReasonOf(expected), updates.Single(u => u.FinishReason is not null).FinishReason);
        var usage = updates.Single(u => u.Usage is not null).Usage;
        Assert.Equal(expected.Usage!.InputTokenCount, usage.InputTokenCount);
        Assert.Equal(expected.Usage.OutputTokenCount, usage.OutputTokenCount);
    }

    [Fact]
    public async Task A_base_plus_adapter_model_id_answers_with_the_adapter()
    {
        var withAdapter = await host.DirectReplyAsync(Prompt, DirectGreedy().WithAdapter(ModelHostFixture.Adapter));
        var withoutAdapter = await host.DirectReplyAsync(Prompt, DirectGreedy());

        ChatCompletion completion = await Client(ModelHostFixture.AdapterId).CompleteChatAsync([new UserChatMessage(Prompt)], Greedy());

        Assert.NotEqual(withoutAdapter.Text, withAdapter.Text);
        Assert.Equal(withAdapter.Text, TextOf(completion));
        Assert.Equal(ModelHostFixture.AdapterId, completion.Model);
    }

    [Fact]
    public async Task Concurrent_requests_for_the_base_model_and_its_adapter_each_get_their_own_reply()
    {
        string[] prompts = ["The dog ran fast.", "Sue liked to sing.", "Ben saw a bird."];
        var jobs = prompts.SelectMany(p => new[] { (Prompt: p, Adapter: (string?)null), (Prompt: p, Adapter: ModelHostFixture.Adapter) }).ToList();
        var expected = new List<string>();
        foreach (var (prompt, adapter) in jobs)
        {
            expected.Add((await host.DirectReplyAsync(prompt, adapter is null ? DirectGreedy() : DirectGreedy().WithAdapter(adapter))).Text);
        }

        var replies = await Task.WhenAll(jobs.Select(async job =>
        {
            var model = job.Adapter is null ? ModelHostFixture.BaseId : ModelHostFixture.AdapterId;
            ChatCompletion completion = await Client(model).CompleteChatAsync([new UserChatMessage(job.Prompt)], Greedy());
            return TextOf(completion);
        }));

        Assert.Equal(expected, replies);
    }

    [Fact]
    public async Task A_system_message_and_earlier_turns_reach_the_model()
    {
        AI.ChatMessage[] direct =
        [
            new(AI.ChatRole.System, "You tell short stories."),
            new(AI.ChatRole.User, "Tell me about a dog."),
            new(AI.ChatRole.Assistant, "The dog ran."),
            new(AI.ChatRole.User, "And then?"),
        ];
        var expected = await host.Direct.GetResponseAsync(direct, DirectGreedy());

        ChatCompletion completion = await Client(ModelHostFixture.BaseId).CompleteChatAsync(
            [new SystemChatMessage("You tell short stories."), new UserChatMessage("Tell me about a dog."), new AssistantChatMessage("The dog ran."), new UserChatMessage("And then?")],
            Greedy());

        Assert.Equal(expected.Text, TextOf(completion));
        Assert.Equal(expected.Usage!.InputTokenCount, completion.Usage.InputTokenCount);
    }

    [Fact]
    public async Task A_seeded_sampled_completion_equals_the_local_client_reply_with_the_same_seed()
    {
        var expected = await host.DirectReplyAsync(Prompt, new AI.ChatOptions { Temperature = 1.2f, TopP = 0.9f, Seed = 42, MaxOutputTokens = 30 });
        var greedy = await host.DirectReplyAsync(Prompt, DirectGreedy());

        ChatCompletion completion = await Client(ModelHostFixture.BaseId).CompleteChatAsync(
            [new UserChatMessage(Prompt)],
#pragma warning disable OPENAI001 // Seed is marked experimental in the SDK.
            new ChatCompletionOptions { Temperature = 1.2f, TopP = 0.9f, Seed = 42, MaxOutputTokenCount = 30 });
#pragma warning restore OPENAI001

        Assert.NotEqual(greedy.Text, expected.Text);
        Assert.Equal(expected.Text, TextOf(completion));
    }

    [Fact]
    public async Task A_stop_sequence_ends_the_reply_before_it()
    {
        var free = (await host.DirectReplyAsync(Prompt, DirectGreedy(40))).Text;
        Assert.True(free.Length >= 12, $"the reply is too short to pick a stop sequence from: '{free}'");
        var stop = free.Substring(8, 3);
        var options = Greedy(40);
        options.StopSequences.Add(stop);

        ChatCompletion completion = await Client(ModelHostFixture.BaseId).CompleteChatAsync([new UserChatMessage(Prompt)], options);

        Assert.Equal(free[..free.IndexOf(stop, StringComparison.Ordinal)], TextOf(completion));
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
    }

    [Fact]
    public async Task Max_tokens_ends_the_reply_with_finish_reason_length()
    {
        ChatCompletion completion = await Client(ModelHostFixture.BaseId).CompleteChatAsync([new UserChatMessage(Prompt)], Greedy(maxTokens: 5));

        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal(5, completion.Usage.OutputTokenCount);
    }

    [Fact]
    public async Task An_unknown_model_is_a_404_that_names_the_served_models()
    {
        var error = await Assert.ThrowsAsync<ClientResultException>(() => Client("gpt-4o").CompleteChatAsync([new UserChatMessage(Prompt)], Greedy()));

        Assert.Equal(404, error.Status);
        Assert.Contains("The model 'gpt-4o' does not exist on this host; it serves: synthetic, synthetic+legal.", error.Message, StringComparison.Ordinal);
        Assert.Contains("model_not_found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_adapter_that_is_not_loaded_is_an_unknown_model()
    {
        var error = await Assert.ThrowsAsync<ClientResultException>(() => Client(ModelHostFixture.BaseId + "+medical").CompleteChatAsync([new UserChatMessage(Prompt)], Greedy()));

        Assert.Equal(404, error.Status);
    }

    [Fact]
    public async Task A_prompt_longer_than_the_window_is_a_400_context_length_exceeded()
    {
        var longPrompt = string.Join(" ", Enumerable.Repeat("The cat sat on the mat.", 200));

        var error = await Assert.ThrowsAsync<ClientResultException>(() => Client(ModelHostFixture.BaseId).CompleteChatAsync([new UserChatMessage(longPrompt)], Greedy()));

        Assert.Equal(400, error.Status);
        Assert.Contains("context_length_exceeded", error.Message, StringComparison.Ordinal);
        Assert.Contains($"window is {ModelHostFixture.ContextLength} tokens", error.Message, StringComparison.Ordinal);
    }
}
