using RagStack.Answering;
using RagStack.Retrieval;
using Xunit;

namespace RagStack.Core.Tests.Answering;

public sealed class CitationResolverTests
{
    private static readonly PackedSource[] Sources =
    [
        Source(1, "a.md"),
        Source(2, "b.pdf"),
        Source(3, "c.txt"),
    ];

    private static PackedSource Source(int number, string document) =>
        new(number, new Citation(document, document, null, "", 0, 10), $"text of {document}", [$"{document}#0"]);

    private static string Resolve(CitationResolver resolver, params string[] deltas) =>
        string.Concat(deltas.Select(resolver.Append)) + resolver.Complete();

    [Fact]
    public void Citations_are_renumbered_in_the_order_they_are_first_cited()
    {
        var resolver = new CitationResolver(Sources);

        var text = Resolve(resolver, "Paging helps [3]. Rank 8 trains 65,536 parameters [2]. Again [3].");

        Assert.Equal("Paging helps [1]. Rank 8 trains 65,536 parameters [2]. Again [1].", text);
        Assert.Equal(["c.txt", "b.pdf"], resolver.Cited.Select(s => s.Citation.DocumentName));
    }

    [Fact]
    public void A_marker_split_across_deltas_is_held_back_until_it_is_complete()
    {
        var resolver = new CitationResolver(Sources);

        var first = resolver.Append("It is 65,536 [");
        var second = resolver.Append("2] parameters.");

        Assert.Equal("It is 65,536", first);
        Assert.Equal(" [1] parameters.", second);
        Assert.Equal("", resolver.Complete());
        Assert.Equal("It is 65,536 [1] parameters.", resolver.Text);
    }

    [Fact]
    public void A_list_marker_split_into_single_characters_resolves_like_the_whole()
    {
        var resolver = new CitationResolver(Sources);

        var text = Resolve(resolver, "Both", " ", "[", "1", ",", " ", "3", "]", " agree.");

        Assert.Equal("Both [1, 2] agree.", text);
    }

    [Fact]
    public void Adjacent_markers_resolve_separately()
    {
        var resolver = new CitationResolver(Sources);

        Assert.Equal("See [1][2].", Resolve(resolver, "See [2][1]."));
    }

    [Fact]
    public void Markers_that_name_no_packed_source_are_removed_with_their_space()
    {
        var resolver = new CitationResolver(Sources);

        var text = Resolve(resolver, "Invented [7]. Mixed [1, 9]. Split [", "12]. End.");

        Assert.Equal("Invented. Mixed [1]. Split. End.", text);
        Assert.Single(resolver.Cited);
    }

    [Fact]
    public void A_marker_cut_off_at_the_end_of_the_stream_is_dropped()
    {
        var resolver = new CitationResolver(Sources);

        var text = Resolve(resolver, "The answer is 42 [", "2,");

        Assert.Equal("The answer is 42", text.TrimEnd());
        Assert.Empty(resolver.Cited);
    }

    [Fact]
    public void Brackets_that_are_not_citations_pass_through()
    {
        var resolver = new CitationResolver(Sources);

        var text = Resolve(resolver, "Use x[i] or [see below] and ", "a[", "b].");

        Assert.Equal("Use x[i] or [see below] and a[b].", text);
    }

    [Fact]
    public void Every_way_of_splitting_a_text_in_three_gives_the_same_answer()
    {
        const string Text = "Rank [2] is small [1, 3]; nothing [8] here [2][3].";
        var whole = Resolve(new CitationResolver(Sources), Text);
        Assert.Equal("Rank [1] is small [2, 3]; nothing here [1][3].", whole);

        for (var i = 0; i <= Text.Length; i++)
        {
            for (var j = i; j <= Text.Length; j++)
            {
                var resolver = new CitationResolver(Sources);
                var split = Resolve(resolver, Text[..i], Text[i..j], Text[j..]);
                Assert.True(whole == split, $"Split at {i},{j} gave \"{split}\".");
            }
        }
    }
}
