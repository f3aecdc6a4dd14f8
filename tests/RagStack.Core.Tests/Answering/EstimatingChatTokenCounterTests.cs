using Microsoft.Extensions.AI;
using RagStack.Answering;
using RagStack.Core.Tests.Support;
using RagStack.Testing;
using Xunit;

namespace RagStack.Core.Tests.Answering;

public sealed class EstimatingChatTokenCounterTests
{
    private static IEnumerable<string> CorpusTexts()
    {
        var corpus = RepositoryFolders.InRepository("corpora", "genai-engineering");
        return Directory.GetFiles(corpus, "*.md").Concat(Directory.GetFiles(corpus, "*.txt")).Select(File.ReadAllText);
    }

    [Fact]
    public void The_estimate_is_never_below_a_real_tokenizers_count_on_the_corpus()
    {
        var estimate = new EstimatingChatTokenCounter(4_096);

        var texts = CorpusTexts().ToList();

        Assert.NotEmpty(texts);
        Assert.All(texts, text => Assert.True(estimate.CountTokens(text) >= TestModels.Tokens.CountTokens(text), $"{estimate.CountTokens(text)} < {TestModels.Tokens.CountTokens(text)}"));
    }

    [Fact]
    public void Non_latin_text_counts_about_a_token_per_character()
    {
        var estimate = new EstimatingChatTokenCounter(4_096);

        Assert.Equal(10, estimate.CountTokens("量子化されたモデルの文脈"[..10]));
    }

    [Fact]
    public void A_prompt_counts_its_messages_and_the_template_overhead()
    {
        var estimate = new EstimatingChatTokenCounter(4_096);
        ChatMessage[] messages = [new(ChatRole.System, "abcdef"), new(ChatRole.User, "abc")];

        Assert.Equal(8 + (2 + 8) + (1 + 8), estimate.CountPromptTokens(messages));
    }
}
