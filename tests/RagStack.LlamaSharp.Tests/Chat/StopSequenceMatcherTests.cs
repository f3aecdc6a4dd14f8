using RagStack.LlamaSharp.Chat;
using Xunit;

namespace RagStack.LlamaSharp.Tests.Chat;

public sealed class StopSequenceMatcherTests
{
    [Fact]
    public void Text_is_cut_before_a_stop_sequence_that_arrives_in_pieces()
    {
        var matcher = new StopSequenceMatcher(["\nUser:"]);
        var shown = matcher.Push("Hello") + matcher.Push(" there\nUs") + matcher.Push("er: next");

        Assert.Equal("Hello there", shown);
        Assert.True(matcher.Stopped);
        Assert.Equal("", matcher.Push("more"));
    }

    [Fact]
    public void A_possible_start_of_a_stop_sequence_is_held_back_until_decided()
    {
        var matcher = new StopSequenceMatcher(["END"]);

        Assert.Equal("abc", matcher.Push("abcE"));
        Assert.Equal("", matcher.Push("N"));
        Assert.Equal("ENx", matcher.Push("x"));
        Assert.False(matcher.Stopped);
    }

    [Fact]
    public void Held_back_text_is_released_when_generation_ends()
    {
        var matcher = new StopSequenceMatcher(["STOP"]);

        Assert.Equal("go ", matcher.Push("go ST"));
        Assert.Equal("ST", matcher.Flush());
    }

    [Fact]
    public void The_earliest_of_several_stop_sequences_wins()
    {
        var matcher = new StopSequenceMatcher(["bb", "a"]);

        Assert.Equal("x", matcher.Push("xabb"));
    }

    [Fact]
    public void Without_stop_sequences_text_passes_straight_through()
    {
        var matcher = new StopSequenceMatcher([]);

        Assert.Equal("\nUser:", matcher.Push("\nUser:"));
        Assert.Equal("", matcher.Flush());
    }
}
