using Microsoft.Extensions.AI;
using RagStack.LlamaSharp.Tests.Support;
using Xunit;

namespace RagStack.LlamaSharp.Tests;

/// <summary>Speculative decoding on real llama.cpp: a draft model proposes, the target model verifies.</summary>
public sealed class SpeculativeDecodingTests
{
    private static readonly ChatOptions Greedy = new() { Temperature = 0, MaxOutputTokens = 48, StopSequences = [] };

    private static ChatMessage[] Ask(string text) => [new ChatMessage(ChatRole.User, text)];

    [SkippableFact]
    public async Task A_draft_identical_to_the_model_has_every_proposal_accepted_and_changes_nothing()
    {
        var path = SharedModels.Stories260K;
        using var plain = LlamaChatClient.Load(new LlamaModelOptions { ModelPath = path, ContextLength = 256, Threads = 2 });
        using var speculative = LlamaChatClient.Load(new LlamaModelOptions { ModelPath = path, ContextLength = 256, Threads = 2, DraftModelPath = path, DraftTokens = 4 });

        var expected = await plain.GetResponseAsync(Ask("The little dog ran to the park."), Greedy);
        var actual = await speculative.GetResponseAsync(Ask("The little dog ran to the park."), Greedy);

        Assert.Equal(expected.Text, actual.Text);
        Assert.Equal(expected.Usage!.OutputTokenCount, actual.Usage!.OutputTokenCount);
        var (proposed, accepted) = speculative.DraftStatistics;
        Assert.True(proposed > 0, "the draft proposed nothing");
        Assert.Equal(proposed, accepted);
    }

    [SkippableFact]
    public async Task Speculative_requests_in_a_batch_still_respect_max_tokens_and_match_plain_decoding()
    {
        var path = SharedModels.Stories260K;
        string[] prompts = ["Tom had a big red ball.", "Sue saw a cat.", "The sun was hot today."];
        var options = new ChatOptions { Temperature = 0, MaxOutputTokens = 7, StopSequences = [] };
        using var plain = LlamaChatClient.Load(new LlamaModelOptions { ModelPath = path, ContextLength = 256, Threads = 2 });
        using var speculative = LlamaChatClient.Load(new LlamaModelOptions { ModelPath = path, ContextLength = 256, Threads = 2, DraftModelPath = path, DraftTokens = 5 });

        var expected = await Task.WhenAll(prompts.Select(p => plain.GetResponseAsync(Ask(p), options)));
        var actual = await Task.WhenAll(prompts.Select(p => speculative.GetResponseAsync(Ask(p), options)));

        Assert.Equal(expected.Select(r => r.Text), actual.Select(r => r.Text));
        Assert.All(actual, r => Assert.True(r.Usage!.OutputTokenCount <= 7));
    }

    [Fact]
    public void A_missing_draft_model_is_named_in_the_error()
    {
        var model = Path.GetTempFileName();
        try
        {
            var error = Assert.Throws<FileNotFoundException>(() => new LlamaModelOptions { ModelPath = model, DraftModelPath = "/nonexistent/draft.gguf" }.Validate());

            Assert.Contains("/nonexistent/draft.gguf", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(model);
        }
    }
}
