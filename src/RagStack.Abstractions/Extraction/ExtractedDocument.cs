using System.Text;

namespace RagStack.Extraction;

/// <summary>What kind of structure a block of extracted text is.</summary>
public enum BlockKind
{
    Paragraph,
    Heading,
    ListItem,
    Table,
    Code,
}

/// <summary>
/// A unit of extracted text (a paragraph, heading, list item, table, code block) with where it came from:
/// the page (1-based, for paged formats) and the path of headings above it.
/// </summary>
public sealed record ExtractedBlock(string Text, BlockKind Kind = BlockKind.Paragraph, int? Page = null, IReadOnlyList<string>? SectionPath = null)
{
    /// <summary>Headings above this block, outermost first; empty when the format has none.</summary>
    public IReadOnlyList<string> SectionPath { get; init; } = SectionPath ?? [];

    /// <summary>Heading level (1-6) when <see cref="Kind"/> is <see cref="BlockKind.Heading"/>, else 0.</summary>
    public int HeadingLevel { get; init; }
}

/// <summary>
/// The text of a document in reading order, as blocks. <see cref="Text"/> joins the blocks with a blank line;
/// <see cref="BlockStarts"/> gives each block's character offset in it, so chunks can carry spans.
/// </summary>
public sealed class ExtractedDocument
{
    /// <summary>The separator placed between blocks in <see cref="Text"/>.</summary>
    public const string BlockSeparator = "\n\n";

    public ExtractedDocument(string contentType, IReadOnlyList<ExtractedBlock> blocks, string? title = null, int? pageCount = null)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ContentType = contentType;
        Blocks = blocks;
        Title = title;
        PageCount = pageCount;
        var starts = new int[blocks.Count];
        var text = new StringBuilder();
        for (var i = 0; i < blocks.Count; i++)
        {
            if (i > 0)
            {
                text.Append(BlockSeparator);
            }

            starts[i] = text.Length;
            text.Append(blocks[i].Text);
        }

        BlockStarts = starts;
        Text = text.ToString();
    }

    /// <summary>The media type of the source bytes, e.g. <c>application/pdf</c>.</summary>
    public string ContentType { get; }

    public IReadOnlyList<ExtractedBlock> Blocks { get; }

    public IReadOnlyList<int> BlockStarts { get; }

    public string? Title { get; }

    public int? PageCount { get; }

    public string Text { get; }

    /// <summary>True when the document holds no text but whitespace.</summary>
    public bool IsEmpty => string.IsNullOrWhiteSpace(Text);
}
