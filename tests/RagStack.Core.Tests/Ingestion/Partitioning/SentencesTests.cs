using RagStack.Ingestion.Partitioning;
using Xunit;

namespace RagStack.Core.Tests.Ingestion.Partitioning;

public sealed class SentencesTests
{
    [Fact]
    public void Sentences_end_at_full_stops_and_line_breaks_but_not_at_colons()
    {
        const string Text = "Sailings\n\nThe boat leaves at 07:10 daily. It returns: forty minutes later!  Fares are low.";

        var spans = Sentences.Spans(Text).Select(s => Text.Substring(s.Start, s.Length)).ToList();

        Assert.Equal(["Sailings", "The boat leaves at 07:10 daily.", "It returns: forty minutes later!", "Fares are low."], spans);
    }

    [Fact]
    public void Clause_boundaries_also_cut_at_colons_and_semicolons_for_over_long_paragraphs()
    {
        Assert.Equal([12, 20], Sentences.Boundaries("First part; second: third"));
        Assert.Empty(Sentences.Boundaries("First part; second: third", clauses: false));
    }
}
