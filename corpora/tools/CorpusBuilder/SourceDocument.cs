namespace RagStack.Corpora.CorpusBuilder;

/// <summary>The kinds of block the source markup knows.</summary>
internal enum BlockKind
{
    Heading1,
    Heading2,
    Paragraph,
    Bullet,
    TableRow,
    PageBreak,
    TwoColumn,
}

/// <summary>One block of a source document; <see cref="Cells"/> is set for table rows only.</summary>
internal sealed record Block(BlockKind Kind, string Text, IReadOnlyList<string> Cells);

/// <summary>
/// A document source in the corpus markup: <c># heading</c>, <c>## subheading</c>, paragraphs separated by blank
/// lines (consecutive lines are joined), <c>- </c> list items, <c>| a | b |</c> table rows (the first row of a table is
/// its header), <c>&lt;&lt;&lt;PAGE&gt;&gt;&gt;</c> (a new single-column page) and <c>&lt;&lt;&lt;TWO-COLUMN&gt;&gt;&gt;</c>
/// (a new page laid out in two columns, until the next page marker). Lines starting with <c>%%</c> are comments.
/// </summary>
internal sealed class SourceDocument
{
    private SourceDocument(string title, IReadOnlyList<Block> blocks)
    {
        Title = title;
        Blocks = blocks;
    }

    public string Title { get; }

    public IReadOnlyList<Block> Blocks { get; }

    public static SourceDocument Parse(string text)
    {
        var blocks = new List<Block>();
        var paragraph = new List<string>();
        var noCells = Array.Empty<string>();

        void Flush()
        {
            if (paragraph.Count > 0)
            {
                blocks.Add(new Block(BlockKind.Paragraph, string.Join(' ', paragraph), noCells));
                paragraph.Clear();
            }
        }

        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("%%", StringComparison.Ordinal))
            {
                continue;
            }

            if (line.Length == 0)
            {
                Flush();
            }
            else if (line == "<<<PAGE>>>")
            {
                Flush();
                blocks.Add(new Block(BlockKind.PageBreak, string.Empty, noCells));
            }
            else if (line == "<<<TWO-COLUMN>>>")
            {
                Flush();
                blocks.Add(new Block(BlockKind.TwoColumn, string.Empty, noCells));
            }
            else if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                Flush();
                blocks.Add(new Block(BlockKind.Heading2, line[3..].Trim(), noCells));
            }
            else if (line.StartsWith("# ", StringComparison.Ordinal))
            {
                Flush();
                blocks.Add(new Block(BlockKind.Heading1, line[2..].Trim(), noCells));
            }
            else if (line.StartsWith("- ", StringComparison.Ordinal))
            {
                Flush();
                blocks.Add(new Block(BlockKind.Bullet, line[2..].Trim(), noCells));
            }
            else if (line.StartsWith('|'))
            {
                Flush();
                var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
                blocks.Add(new Block(BlockKind.TableRow, string.Join(" | ", cells), cells));
            }
            else
            {
                paragraph.Add(line);
            }
        }

        Flush();
        var title = blocks.FirstOrDefault(b => b.Kind == BlockKind.Heading1)?.Text ?? "Untitled";
        return new SourceDocument(title, blocks);
    }
}
