using Microsoft.Extensions.AI;
using RagStack.LlamaSharp.Quantization;

namespace RagStack.LlamaSharp.Tests.Chat;

/// <summary>Speculative decoding on real llama.cpp: a draft model proposes, the target model verifies.</summary>
public sealed class SpeculativeDecodingTests(SyntheticModelFixture model) : IClassFixture<SyntheticModelFixture>
{
    private static readonly ChatOptions Greedy = new() { Temperature = 0, MaxOutputTokens = 48, StopSequences = [] };

    private static ChatMessage[] Ask(string text) => [new ChatMessage(ChatRole.User, text)];

    private static LlamaChatClient Load(string path, string? draft = null, int draftTokens = 4) =>
        LlamaChatClient.Load(new LlamaModelOptions { ModelPath = path, ContextLength = 256, Threads = 2, DraftModelPath = draft, DraftTokens = draftTokens });

    [Fact]
    public async Task A_draft_identical_to_the_model_has_every_proposal_accepted_and_changes_nothing()
    {
        using var plain = Load(model.ModelPath);
        using var speculative = Load(model.ModelPath, model.ModelPath);

        var expected = await plain.GetResponseAsync(Ask("The little dog ran to the park."), Greedy);
        var actual = await speculative.GetResponseAsync(Ask("The little dog ran to the park."), Greedy);

        Assert.Equal(expected.Text, actual.Text);
        Assert.Equal(expected.Usage!.OutputTokenCount, actual.Usage!.OutputTokenCount);
        var (proposed, accepted) = speculative.DraftStatistics;
        Assert.True(proposed > 0, "the draft proposed nothing");
        Assert.Equal(proposed, accepted);
    }

    [Fact]
    public async Task A_quantized_draft_changes_the_speed_never_the_greedy_reply()
    {
        var draft = Path.ChangeExtension(model.ModelPath, ".q8_0.gguf");
        if (!File.Exists(draft))
        {
            GgufQuantizer.Quantize(model.ModelPath, draft, GgufQuantizationType.Q8_0);
        }

        using var plain = Load(model.ModelPath);
        using var speculative = Load(model.ModelPath, draft, draftTokens: 3);

        var expected = await plain.GetResponseAsync(Ask("Tom had a big red ball."), Greedy);
        var actual = await speculative.GetResponseAsync(Ask("Tom had a big red ball."), Greedy);

        Assert.Equal(expected.Text, actual.Text);
        Assert.True(speculative.DraftStatistics.Proposed > 0);
    }

    [Fact]
    public async Task Speculative_requests_in_a_batch_still_respect_max_tokens_and_match_plain_decoding()
    {
        string[] prompts = ["Tom had a big red ball.", "Sue saw a cat.", "The sun was hot today."];
        var options = new ChatOptions { Temperature = 0, MaxOutputTokens = 7, StopSequences = [] };
        using var plain = Load(model.ModelPath);
        using var speculative = Load(model.ModelPath, model.ModelPath, draftTokens: 5);

        var expected = await Task.WhenAll(prompts.Select(p => plain.GetResponseAsync(Ask(p), options)));
        var actual = await Task.WhenAll(prompts.Select(p => speculative.GetResponseAsync(Ask(p), options)));

        Assert.Equal(expected.Select(r => r.Text), actual.Select(r => r.Text));
        Assert.All(actual, r => Assert.True(r.Usage!.OutputTokenCount <= 7));
    }

    [Fact]
    public async Task Sampled_requests_ignore_the_draft()
    {
        using var speculative = Load(model.ModelPath, model.ModelPath);

        await speculative.GetResponseAsync(Ask("Once upon a time"), new ChatOptions { Temperature = 0.9f, Seed = 3, MaxOutputTokens = 12 });

        Assert.Equal(0, speculative.DraftStatistics.Proposed);
    }

    [Fact]
    public void A_missing_draft_model_is_named_in_the_error()
    {
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => LlamaChatClient.Load(new LlamaModelOptions { ModelPath = model.ModelPath, DraftModelPath = "/nonexistent/draft.gguf" }));

        Assert.StartsWith("RagStack:Generator:DraftModelPath is '/nonexistent/draft.gguf'; no such file", Assert.Single(error.Failures), StringComparison.Ordinal);
    }
}
