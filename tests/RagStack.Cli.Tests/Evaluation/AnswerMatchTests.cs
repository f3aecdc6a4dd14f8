using RagStack.Cli.Evaluation;
using Xunit;

namespace RagStack.Cli.Tests.Evaluation;

public sealed class AnswerMatchTests
{
    [Theory]
    [InlineData("The crossing takes 55 minutes. [1]\nIt is calm. [2]", "The crossing takes 55 minutes.")]
    [InlineData("[1] The crossing takes 55 minutes. Fares are low.\n\n[2] Other text.", "The crossing takes 55 minutes.")]
    [InlineData("One line without a stop", "One line without a stop")]
    public void The_first_sentence_is_cut_at_its_end_its_citation_or_its_line(string text, string first)
    {
        Assert.Equal(first, AnswerMatch.FirstSentence(text));
    }

    [Fact]
    public void An_answer_string_holds_when_it_appears_whatever_the_case_and_spacing()
    {
        Assert.True(AnswerMatch.Holds("Cars must be booked at least  48 Hours ahead.", "48 hours"));
        Assert.False(AnswerMatch.Holds("Cars must be booked a day ahead.", "48 hours"));
    }

    [Fact]
    public void A_free_text_answer_holds_when_half_of_its_key_words_are_in_the_sentence()
    {
        const string Sentence = "The rank-stabilized variant rsLoRA scales by alpha / sqrt(r) instead, which keeps learning effective at high ranks.";

        Assert.True(AnswerMatch.Holds(Sentence, "It scales the update by alpha / sqrt(r) instead of alpha / r, keeping learning effective at high ranks"));
        Assert.False(AnswerMatch.Holds(Sentence, "Only the attention query and value projections, q_proj and v_proj"));
    }
}
