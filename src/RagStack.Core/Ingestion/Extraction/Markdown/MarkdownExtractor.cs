using System.Text;
using System.Text.RegularExpressions;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Extensions.TaskLists;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using RagStack.Extraction;

namespace RagStack.Ingestion.Extraction.Markdown;

/// <summary>
/// Reads Markdown through Markdig's syntax tree: headings, paragraphs, list items, code blocks and table rows become
/// blocks of plain text (no markup, link text without its target), each under the path of headings above it.
/// </summary>
internal sealed partial class MarkdownExtractor : IDocumentExtractor
{
    public const string MediaType = "text/markdown";

    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UseYamlFrontMatter()
        .UsePipeTables()
        .UseGridTables()
        .UseEmphasisExtras()
        .UseTaskLists()
        .UseAutoLinks()
        .Build();

    public string ContentType => MediaType;

    /// <summary>
    /// Text named <c>.md</c>/<c>.markdown</c> is Markdown; text named <c>.txt</c> is not; otherwise ATX heading lines
    /// ("# Title") decide, because plain text rarely starts lines with a hash and a space.
    /// </summary>
    public bool CanExtract(ReadOnlySpan<byte> head, string? fileName)
    {
        if (!TextDecoding.LooksLikeText(head))
        {
            return false;
        }

        var extension = Path.GetExtension(fileName ?? string.Empty).ToUpperInvariant();
        return extension switch
        {
            ".MD" or ".MARKDOWN" or ".MDOWN" or ".MKD" or ".MKDN" => true,
            ".TXT" or ".TEXT" => false,
            _ => AtxHeadingLine().IsMatch(TextDecoding.DecodeHead(head)),
        };
    }

    public Task<ExtractedDocument> ExtractAsync(ReadOnlyMemory<byte> content, ExtractionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Task.FromResult(Extract(TextDecoding.Decode(content.Span), cancellationToken));
    }

    internal static ExtractedDocument Extract(string markdown, CancellationToken cancellationToken = default)
    {
        var syntax = Markdig.Markdown.Parse(markdown, Pipeline);
        var reader = new Reader(cancellationToken);
        reader.ReadBlocks(syntax);
        return new ExtractedDocument(MediaType, reader.Blocks, reader.Title);
    }

    [GeneratedRegex(@"^ {0,3}#{1,6}[ \t]+\S", RegexOptions.Multiline)]
    private static partial Regex AtxHeadingLine();

    private sealed class Reader(CancellationToken cancellationToken)
    {
        private readonly SectionTracker _sections = new();

        public List<ExtractedBlock> Blocks { get; } = [];

        public string? Title { get; private set; }

        public void ReadBlocks(ContainerBlock container)
        {
            foreach (var block in container)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Read(block);
            }
        }

        private void Read(Block block)
        {
            switch (block)
            {
                case YamlFrontMatterBlock or LinkReferenceDefinitionGroup or ThematicBreakBlock or BlankLineBlock:
                    break;
                case HeadingBlock heading:
                    var headingText = InlineText(heading.Inline);
                    if (headingText.Length > 0)
                    {
                        Blocks.Add(_sections.Heading(headingText, heading.Level));
                        if (heading.Level == 1)
                        {
                            Title ??= headingText;
                        }
                    }

                    break;
                case Table table:
                    foreach (var row in table.OfType<TableRow>())
                    {
                        var cells = row.OfType<TableCell>().Select(cell => Whitespace.Collapse(string.Join(' ', cell.OfType<LeafBlock>().Select(l => InlineText(l.Inline)))));
                        Add(string.Join(" | ", cells), BlockKind.Table);
                    }

                    break;
                case ListBlock list:
                    foreach (var item in list.OfType<ListItemBlock>())
                    {
                        ReadListItem(item);
                    }

                    break;
                case CodeBlock code:
                    Add(code.Lines.ToString().TrimEnd(), BlockKind.Code, collapse: false);
                    break;
                case HtmlBlock html:
                    Add(HtmlTag().Replace(html.Lines.ToString(), " "), BlockKind.Paragraph);
                    break;
                case LeafBlock leaf:
                    Add(InlineText(leaf.Inline), BlockKind.Paragraph);
                    break;
                case ContainerBlock container:
                    ReadBlocks(container);
                    break;
            }
        }

        // An item's own paragraphs make one list item; a nested list under it gives its own items.
        private void ReadListItem(ListItemBlock item)
        {
            var own = new List<string>();
            foreach (var child in item)
            {
                if (child is ParagraphBlock paragraph)
                {
                    own.Add(InlineText(paragraph.Inline));
                    continue;
                }

                Flush();
                Read(child);
            }

            Flush();

            void Flush()
            {
                if (own.Count > 0)
                {
                    Add(string.Join(' ', own), BlockKind.ListItem);
                    own.Clear();
                }
            }
        }

        private void Add(string text, BlockKind kind, bool collapse = true)
        {
            text = collapse ? Whitespace.Collapse(text) : text;
            if (!string.IsNullOrWhiteSpace(text))
            {
                Blocks.Add(_sections.Block(text, kind));
            }
        }
    }

    private static string InlineText(ContainerInline? inline)
    {
        if (inline is null)
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        AppendInline(inline, text);
        return Whitespace.Collapse(text.ToString());
    }

    private static void AppendInline(Inline inline, StringBuilder text)
    {
        switch (inline)
        {
            case LiteralInline literal:
                text.Append(literal.Content.AsSpan());
                break;
            case CodeInline code:
                text.Append(code.Content);
                break;
            case AutolinkInline autolink:
                text.Append(autolink.Url);
                break;
            case HtmlEntityInline entity:
                text.Append(entity.Transcoded.AsSpan());
                break;
            case LineBreakInline:
                text.Append(' ');
                break;
            case HtmlInline or TaskList:
                break;
            case ContainerInline container:
                // Links, images and emphasis keep only their text: link targets and ** markers are markup.
                foreach (var child in container)
                {
                    AppendInline(child, text);
                }

                break;
        }
    }

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex HtmlTag();
}
