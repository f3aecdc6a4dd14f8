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

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.25, 0.0)]
    [InlineData(0.3, 0.0)]
    [InlineData(0.4, 0.5)]
    [InlineData(0.5, 1.0)]
    [InlineData(0.9, 1.0)]
    public void The_keyword_share_is_none_up_to_the_floor_full_from_the_ceiling_and_a_ramp_between(double evidence, double share)
    {
        Assert.Equal(share, LexicalEvidence.KeywordShare(new RetrievalOptions { EvidenceFloor = 0.3, EvidenceCeiling = 0.5, AdaptiveExponent = 1 }, evidence), 12);
    }

    [Fact]
    public void With_no_floor_and_a_full_ceiling_the_keyword_share_is_the_evidence_raised_to_the_exponent()
    {
        var options = new RetrievalOptions { EvidenceFloor = 0, EvidenceCeiling = 1, AdaptiveExponent = 2 };

        Assert.Equal(0.36, LexicalEvidence.KeywordShare(options, 0.6), 12);
    }

    [Fact]
    public void A_floor_equal_to_the_ceiling_is_a_step()
    {
        var options = new RetrievalOptions { EvidenceFloor = 0.4, EvidenceCeiling = 0.4 };

        Assert.Equal((0.0, 1.0), (LexicalEvidence.KeywordShare(options, 0.39), LexicalEvidence.KeywordShare(options, 0.4)));
    }
}
