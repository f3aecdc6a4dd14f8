extern alias web;
using RagStack.Documents;
using web::RagStack.Web.Viewer;

namespace RagStack.Web.Tests;

/// <summary>The viewer's cuts of a document's text: page markers, headings, chunks and the highlighted passage, with nothing lost.</summary>
public sealed class ViewerDocumentTests
{
    private const string Text = "Lease\n\nEither party may end this lease.\n\nRent\n\nRent is paid monthly.";

    private static DocumentContent Content()
    {
        var info = new DocumentInfo { Id = "d", Name = "lease.pdf", Index = "contracts" };
        var second = Text.IndexOf("Rent\n", StringComparison.Ordinal);
        return new DocumentContent(info, Text,
            [new PageSpan(1, 0, second), new PageSpan(2, second, Text.Length - second)],
            [new SectionSpan("Lease", 1, "Lease", 0, second), new SectionSpan("Rent", 1, "Rent", second, Text.Length - second)],
            [new ChunkSpan("c0", 0, 0, second - 2, 1, "Lease"), new ChunkSpan("c1", 1, second, Text.Length - second, 2, "Rent")]);
    }

    [Fact]
    public void The_runs_join_to_the_whole_text_with_page_markers_and_headings_at_their_places()
    {
        var view = ViewerDocument.Build(Content(), null, null);

        Assert.Equal(Text, string.Concat(view.Blocks.OfType<TextBlock>().Select(b => b.Run.Text)));
        Assert.Equal([1, 2], view.Blocks.OfType<PageMarker>().Select(p => p.Page));
        Assert.Equal(["Lease", "Rent"], view.Blocks.OfType<TextBlock>().Where(b => b.Run.Heading is not null).Select(b => b.Run.Text));
        Assert.IsType<PageMarker>(view.Blocks[0]);
        Assert.Empty(view.CitedChunks);
    }

    [Fact]
    public void The_cited_span_is_highlighted_exactly_and_its_chunk_is_marked_cited()
    {
        var start = Text.IndexOf("end this", StringComparison.Ordinal);

        var view = ViewerDocument.Build(Content(), start, start + "end this lease".Length);

        Assert.Equal("end this lease", string.Concat(view.Blocks.OfType<TextBlock>().Where(b => b.Run.Highlighted).Select(b => b.Run.Text)));
        Assert.Equal([0], view.CitedChunks);
    }

    [Theory]
    [InlineData(-5, 3)]
    [InlineData(60, 9999)]
    [InlineData(30, 10)]
    public void A_span_outside_the_text_is_clamped_and_never_throws(int start, int end)
    {
        var view = ViewerDocument.Build(Content(), start, end);

        Assert.Equal(Text, string.Concat(view.Blocks.OfType<TextBlock>().Select(b => b.Run.Text)));
    }
}
