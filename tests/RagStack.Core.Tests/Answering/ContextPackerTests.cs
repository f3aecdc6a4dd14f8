using Microsoft.Extensions.AI;
using RagStack.Answering;
using RagStack.Chunks;
using RagStack.Core.Tests.Support;
using RagStack.Generation;
using RagStack.Retrieval;
using Xunit;

namespace RagStack.Core.Tests.Answering;

public sealed class ContextPackerTests
{
    private const string Question = "How many parameters does LoRA train?";
    private const int Output = 50;

    private static readonly ContextPacker Packer = new(PromptFunction.Load("answer", directory: null), minOutputTokens: 10);

    private static SearchResult Chunk(string document, int position, string text, int? start = null, int? page = null)
    {
        var from = start ?? position * 10_000;
        var chunk = new ChunkRecord
        {
            Id = $"{document}#{position}",
            DocumentId = document,
            Index = "default",
            Tenant = "local",
            DocumentName = document,
            Position = position,
            Text = text,
            Start = from,
            End = from + text.Length,
            SectionPath = ["Section"],
            Page = page,
        };
        return new SearchResult(chunk, 1.0 / (position + 1), new Citation(document, document, page, "Section", from, from + text.Length));
    }

    private static string Words(int count, string word = "word") => string.Join(' ', Enumerable.Repeat(word, count));

    private static int BaseTokens(FakeChatTokenCounter counter) => counter.CountPromptTokens(Packer.Render(Question, null, []));

    private static int BlockTokens(FakeChatTokenCounter counter, int number, SearchResult result) =>
        counter.CountTokens(SourceFence.Block(number, result.Citation, result.Chunk.Text));

    [Fact]
    public void A_chunk_that_reaches_the_budget_exactly_is_packed()
    {
        var chunk = Chunk("a.md", 0, Words(40));
        var probe = new FakeChatTokenCounter(100_000);
        var counter = new FakeChatTokenCounter(BaseTokens(probe) + BlockTokens(probe, 1, chunk) + Output);

        var packed = Packer.Pack(Question, null, [chunk], counter, Output);

        Assert.Single(packed.Sources);
        Assert.Equal(counter.ContextLength, packed.PromptTokens + packed.OutputTokens);
        Assert.Equal(packed.PromptTokens, counter.CountPromptTokens(packed.Messages));
    }

    [Fact]
    public void A_chunk_one_token_over_is_skipped_and_a_smaller_lower_ranked_one_taken()
    {
        var big = Chunk("a.md", 0, Words(40));
        var small = Chunk("b.md", 1, Words(20));
        var probe = new FakeChatTokenCounter(100_000);
        var counter = new FakeChatTokenCounter(BaseTokens(probe) + BlockTokens(probe, 1, big) + Output - 1);

        var packed = Packer.Pack(Question, null, [big, small], counter, Output);

        var source = Assert.Single(packed.Sources);
        Assert.Equal("b.md", source.Citation.DocumentName);
        Assert.Equal(1, source.Number);
        Assert.True(packed.PromptTokens + packed.OutputTokens <= counter.ContextLength);
    }

    [Fact]
    public void A_huge_chunk_is_skipped_and_the_rest_keep_their_rank_order()
    {
        var counter = new FakeChatTokenCounter(1_000);
        SearchResult[] ranked = [Chunk("best.md", 0, Words(120)), Chunk("huge.md", 1, Words(5_000)), Chunk("third.md", 2, Words(100))];

        var packed = Packer.Pack(Question, null, ranked, counter, Output);

        Assert.Equal(["best.md", "third.md"], packed.Sources.Select(s => s.Citation.DocumentName));
        Assert.Equal([1, 2], packed.Sources.Select(s => s.Number));
        Assert.Contains(Words(120), packed.Sources[0].Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(300)]
    [InlineData(777)]
    [InlineData(2_048)]
    [InlineData(8_192)]
    public void Many_chunks_never_overflow_the_window(int window)
    {
        var random = new Random(window);
        var ranked = Enumerable.Range(0, 200).Select(i => Chunk($"doc{i}.md", i, Words(random.Next(1, 400), $"w{i}"))).ToList();
        var counter = new FakeChatTokenCounter(window) { PerSourceSurcharge = 2 };

        var packed = Packer.Pack(Question, null, ranked, counter, Output);

        Assert.NotEmpty(packed.Sources);
        Assert.True(counter.CountPromptTokens(packed.Messages) + packed.OutputTokens <= window);
        Assert.Equal(Output, packed.OutputTokens);
        var ranks = packed.Sources.Select(s => int.Parse(s.Citation.DocumentName[3..^3], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(ranks.Order(), ranks);
    }

    [Fact]
    public void When_the_assembled_prompt_counts_more_than_its_parts_the_lowest_ranked_source_is_dropped()
    {
        var first = Chunk("a.md", 0, Words(30));
        var second = Chunk("b.md", 1, Words(30));
        var probe = new FakeChatTokenCounter(100_000);
        var exact = BaseTokens(probe) + BlockTokens(probe, 1, first) + BlockTokens(probe, 2, second) + Output;
        var counter = new FakeChatTokenCounter(exact) { PerSourceSurcharge = 1 };

        var packed = Packer.Pack(Question, null, [first, second], counter, Output);

        Assert.Equal(["a.md"], packed.Sources.Select(s => s.Citation.DocumentName));
        Assert.True(counter.CountPromptTokens(packed.Messages) + packed.OutputTokens <= exact);
    }

    [Fact]
    public void Overlapping_chunks_of_one_document_become_one_source_without_repeating_the_overlap()
    {
        const string Document = "alpha beta gamma delta epsilon zeta eta theta";
        var first = Chunk("a.md", 0, Document[..22], start: 0);     // "alpha beta gamma delta"
        var second = Chunk("a.md", 1, Document[11..], start: 11);   // "gamma delta … theta"
        var contained = Chunk("a.md", 2, Document[17..28], start: 17);
        var counter = new FakeChatTokenCounter(10_000);

        var packed = Packer.Pack(Question, null, [first, second, contained], counter, Output);

        var source = Assert.Single(packed.Sources);
        Assert.Equal(Document, source.Text);
        Assert.Equal((0, Document.Length), (source.Citation.Start, source.Citation.End));
        Assert.Equal(["a.md#0", "a.md#1"], source.ChunkIds);
    }

    [Fact]
    public void Neighbouring_chunks_merge_and_a_copy_under_another_name_is_dropped()
    {
        var first = Chunk("a.md", 0, "First paragraph.", start: 0);
        var copy = Chunk("copy.md", 0, "First paragraph.", start: 0);
        var next = Chunk("a.md", 1, "Second paragraph.", start: 18);
        var counter = new FakeChatTokenCounter(10_000);

        var packed = Packer.Pack(Question, null, [first, copy, next], counter, Output);

        var source = Assert.Single(packed.Sources);
        Assert.Equal("First paragraph.\n\nSecond paragraph.", source.Text);
    }

    [Fact]
    public void Three_neighbours_stitch_into_one_source_as_long_as_its_span()
    {
        var middle = Chunk("a.md", 1, "Second paragraph.", start: 18);
        var before = Chunk("a.md", 0, "First paragraph.", start: 0);
        var after = Chunk("a.md", 2, "Third paragraph.", start: 37);
        var counter = new FakeChatTokenCounter(10_000);

        var packed = Packer.Pack(Question, null, [middle, before, after], counter, Output);

        var source = Assert.Single(packed.Sources);
        Assert.Equal("First paragraph.\n\nSecond paragraph.\n\nThird paragraph.", source.Text);
        Assert.Equal((0, 53), (source.Citation.Start, source.Citation.End));
    }

    [Fact]
    public void Neighbours_on_different_pages_stay_separate_so_each_citation_names_its_own_page()
    {
        var onTwo = Chunk("a.pdf", 1, "Rank 8 trains 65,536 parameters.", start: 100, page: 2);
        var onOne = Chunk("a.pdf", 0, "LoRA freezes the weights.", start: 74, page: 1);
        var counter = new FakeChatTokenCounter(10_000);

        var packed = Packer.Pack(Question, null, [onTwo, onOne], counter, Output);

        Assert.Equal([(1, 2), (2, 1)], packed.Sources.Select(s => (s.Number, s.Citation.Page ?? 0)));
        Assert.Equal(onTwo.Chunk.Text, packed.Sources[0].Text);
    }

    [Fact]
    public void An_overlapping_chunk_that_crosses_a_page_is_dropped_rather_than_repeated()
    {
        var best = Chunk("a.pdf", 0, "End of page one. Start of page two.", start: 0, page: 1);
        var overlapping = Chunk("a.pdf", 1, "Start of page two. More of page two.", start: 17, page: 2);
        var other = Chunk("b.md", 2, "Another document.");
        var counter = new FakeChatTokenCounter(10_000);

        var packed = Packer.Pack(Question, null, [best, overlapping, other], counter, Output);

        Assert.Equal(["a.pdf#0", "b.md#2"], packed.Sources.SelectMany(s => s.ChunkIds));
    }

    [Fact]
    public void A_long_question_shrinks_the_answer_reserve_before_it_fails()
    {
        var probe = new FakeChatTokenCounter(100_000);
        var baseTokens = BaseTokens(probe);
        var counter = new FakeChatTokenCounter(baseTokens + 20);

        var packed = Packer.Pack(Question, null, [Chunk("a.md", 0, Words(30))], counter, Output);

        Assert.Equal(20, packed.OutputTokens);
        Assert.Empty(packed.Sources);
    }

    [Fact]
    public void A_question_that_leaves_less_than_the_minimum_reserve_is_a_typed_error()
    {
        var history = new List<ChatMessage> { new(ChatRole.User, Words(500)), new(ChatRole.Assistant, Words(500)) };
        var counter = new FakeChatTokenCounter(600);

        var error = Assert.Throws<ContextWindowExceededException>(() => Packer.Pack(Question, history, [Chunk("a.md", 0, "text")], counter, Output));

        Assert.Equal(600, error.ContextLength);
        Assert.True(error.PromptTokens > 1_000);
        Assert.Contains("Shorten the question", error.Message, StringComparison.Ordinal);
    }
}
