using RagStack.Documents;

namespace RagStack.Web.Viewer;

/// <summary>One run of a document's text as the viewer shows it.</summary>
/// <param name="Text">The text (shown as text, never as HTML).</param>
/// <param name="Chunk">The position of the chunk it lies in; null between chunks.</param>
/// <param name="Highlighted">True inside the cited passage.</param>
/// <param name="Heading">The heading level when the run is a section's heading; null otherwise.</param>
public sealed record ViewerRun(string Text, int? Chunk, bool Highlighted, int? Heading);

/// <summary>A block of the viewer: a page marker, or a run of text.</summary>
public abstract record ViewerBlock;

/// <summary>Where a page starts.</summary>
public sealed record PageMarker(int Page) : ViewerBlock;

/// <summary>Text up to the next boundary.</summary>
public sealed record TextBlock(ViewerRun Run) : ViewerBlock;

/// <summary>
/// A document's extracted text cut at every boundary the viewer marks (pages, section headings, chunks, the cited
/// passage), so the page shows page markers, headings and chunk edges and highlights <c>[start, end)</c>.
/// </summary>
public sealed class ViewerDocument
{
    private ViewerDocument(IReadOnlyList<ViewerBlock> blocks, IReadOnlySet<int> citedChunks)
    {
        Blocks = blocks;
        CitedChunks = citedChunks;
    }

    public IReadOnlyList<ViewerBlock> Blocks { get; }

    /// <summary>The chunks the passage overlaps (their neighbours are the chunks before and after).</summary>
    public IReadOnlySet<int> CitedChunks { get; }

    /// <summary>Cuts <paramref name="content"/>; <paramref name="start"/>/<paramref name="end"/> is the cited passage (clamped to the text), or none.</summary>
    public static ViewerDocument Build(DocumentContent content, int? start, int? end)
    {
        ArgumentNullException.ThrowIfNull(content);
        var text = content.Text;
        int? from = start is { } s ? Math.Clamp(s, 0, text.Length) : null;
        int? to = end is { } e && from is { } f ? Math.Clamp(e, f, text.Length) : null;
        var highlight = from is { } a && to is { } b && b > a ? (a, b) : ((int, int)?)null;

        var cuts = new SortedSet<int> { 0, text.Length };
        foreach (var page in content.Pages)
        {
            cuts.Add(Math.Clamp(page.Start, 0, text.Length));
        }

        var headings = new Dictionary<int, (int End, int Level)>();
        foreach (var section in content.Sections)
        {
            var at = Math.Clamp(section.Start, 0, text.Length);
            var headingEnd = at + section.Heading.Length <= text.Length && string.CompareOrdinal(text, at, section.Heading, 0, section.Heading.Length) == 0
                ? at + section.Heading.Length
                : at;
            cuts.Add(at);
            cuts.Add(headingEnd);
            if (headingEnd > at)
            {
                headings.TryAdd(at, (headingEnd, section.Level));
            }
        }

        foreach (var chunk in content.Chunks)
        {
            cuts.Add(Math.Clamp(chunk.Start, 0, text.Length));
            cuts.Add(Math.Clamp(chunk.Start + chunk.Length, 0, text.Length));
        }

        if (highlight is var (hs, he))
        {
            cuts.Add(hs);
            cuts.Add(he);
        }

        var pageStarts = content.Pages.GroupBy(p => p.Start).ToDictionary(g => g.Key, g => g.First().Page);
        var blocks = new List<ViewerBlock>();
        var cited = new HashSet<int>();
        var points = cuts.ToList();
        for (var i = 0; i < points.Count - 1; i++)
        {
            var (runStart, runEnd) = (points[i], points[i + 1]);
            if (pageStarts.TryGetValue(runStart, out var page))
            {
                blocks.Add(new PageMarker(page));
            }

            if (runEnd <= runStart)
            {
                continue;
            }

            var chunk = content.Chunks.FirstOrDefault(c => c.Start <= runStart && runEnd <= c.Start + c.Length)?.Position;
            var lit = highlight is var (h1, h2) && runStart >= h1 && runEnd <= h2;
            if (lit && chunk is { } position)
            {
                cited.Add(position);
            }

            int? level = headings.TryGetValue(runStart, out var heading) && heading.End == runEnd ? heading.Level : null;
            blocks.Add(new TextBlock(new ViewerRun(text[runStart..runEnd], chunk, lit, level)));
        }

        return new ViewerDocument(blocks, cited);
    }
}
