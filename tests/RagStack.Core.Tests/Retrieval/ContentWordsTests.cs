using RagStack.Chunks;
using RagStack.Retrieval;
using Xunit;

namespace RagStack.Core.Tests.Retrieval;

public sealed class ContentWordsTests
{
    private const string Passage = "Vehicle places must be booked at least 48 hours ahead through the harbour office.";

    [Fact]
    public void A_question_that_quotes_the_text_overlaps_it_fully_and_a_paraphrase_hardly()
    {
        Assert.Equal(1.0, ContentWords.Overlap("When must vehicle places be booked?", Passage), 12);
        Assert.Equal(0.0, ContentWords.Overlap("How long before do I need to reserve a spot to drive aboard?", Passage), 12);
    }

    [Fact]
    public void Words_are_compared_on_their_first_six_letters_and_stop_words_do_not_count()
    {
        Assert.Equal(["bookin", "harbou"], ContentWords.Stems("The booking of the harbours").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Lexical_evidence_is_the_overlap_with_the_best_keyword_candidate_and_zero_without_one()
    {
        var best = new ChunkRecord { Id = "c", DocumentId = "d", Index = "i", Tenant = "t", DocumentName = "ferry.md", Text = Passage };

        Assert.Equal(0.75, LexicalEvidence.Of("booked ferry tickets office", [new ScoredChunk(best, 3)]), 12);
        Assert.Equal(0.0, LexicalEvidence.Of("booked ferry", []), 12);
    }
}
