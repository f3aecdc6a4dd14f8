using RagStack.Answering;
using Xunit;

namespace RagStack.Core.Tests.Answering;

public sealed class AnsweringOptionsTests
{
    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.True(new AnsweringOptionsValidator().Validate(null, new AnsweringOptions()).Succeeded);
    }

    [Theory]
    [InlineData(nameof(AnsweringOptions.RelevanceThreshold))]
    [InlineData(nameof(AnsweringOptions.ContextLength))]
    [InlineData(nameof(AnsweringOptions.MinOutputTokens))]
    [InlineData(nameof(AnsweringOptions.MaxOutputTokens))]
    [InlineData(nameof(AnsweringOptions.ExtractivePassages))]
    [InlineData(nameof(AnsweringOptions.ExtractiveSentences))]
    [InlineData(nameof(AnsweringOptions.ExtractiveMargin))]
    [InlineData(nameof(AnsweringOptions.ContextNeighbours))]
    public void A_setting_out_of_range_is_named_in_the_error(string setting)
    {
        var options = setting switch
        {
            nameof(AnsweringOptions.RelevanceThreshold) => new AnsweringOptions { RelevanceThreshold = 1.5 },
            nameof(AnsweringOptions.ContextLength) => new AnsweringOptions { ContextLength = 100, MaxOutputTokens = 64 },
            nameof(AnsweringOptions.MinOutputTokens) => new AnsweringOptions { MinOutputTokens = 0 },
            nameof(AnsweringOptions.MaxOutputTokens) => new AnsweringOptions { MaxOutputTokens = 4_096 },
            nameof(AnsweringOptions.ExtractiveSentences) => new AnsweringOptions { ExtractiveSentences = -1 },
            nameof(AnsweringOptions.ExtractiveMargin) => new AnsweringOptions { ExtractiveMargin = -0.1 },
            nameof(AnsweringOptions.ContextNeighbours) => new AnsweringOptions { ContextNeighbours = -1 },
            _ => new AnsweringOptions { ExtractivePassages = 0 },
        };

        var result = new AnsweringOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith($"RagStack:Answering:{setting} is ", StringComparison.Ordinal));
    }
}
