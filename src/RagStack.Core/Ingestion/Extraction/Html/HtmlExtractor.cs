using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using RagStack.Extraction;

namespace RagStack.Ingestion.Extraction.Html;

/// <summary>
/// Reads HTML with AngleSharp: scripts, styles and navigation are dropped, the main content (a <c>main</c> element
/// when there is one) is walked in document order, and headings, paragraphs, list items, preformatted text, table rows
/// and quotes become blocks under the path of headings above them.
/// </summary>
internal sealed partial class HtmlExtractor : IDocumentExtractor
{
    public const string MediaType = "text/html";

    private static readonly string[] Dropped = ["script", "style", "noscript", "template", "nav", "svg", "canvas", "iframe", "object", "embed", "select", "button"];

    public string ContentType => MediaType;

    public bool CanExtract(ReadOnlySpan<byte> head, string? fileName) =>
        TextDecoding.LooksLikeText(head) && HtmlStart().IsMatch(TextDecoding.DecodeHead(head));

    public Task<ExtractedDocument> ExtractAsync(ReadOnlyMemory<byte> content, ExtractionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var head = TextDecoding.DecodeHead(content.Span[..Math.Min(content.Length, 4096)]);
        var charset = DeclaredCharset().Match(head);
        var html = TextDecoding.Decode(content.Span, charset.Success ? charset.Groups["name"].Value : null);
        return Task.FromResult(Extract(html, cancellationToken));
    }

    internal static ExtractedDocument Extract(string html, CancellationToken cancellationToken = default)
    {
        var document = new HtmlParser().ParseDocument(html);
        foreach (var element in document.QuerySelectorAll(string.Join(',', Dropped)).ToList())
        {
            element.Remove();
        }

        var root = document.QuerySelector("main, [role=main]") ?? document.Body ?? document.DocumentElement;
        var reader = new Reader(cancellationToken);
        reader.ReadChildren(root);
        reader.FlushInline();

        var title = Whitespace.Collapse(document.Title ?? string.Empty);
        return new ExtractedDocument(MediaType, reader.Blocks, title.Length > 0 ? title : reader.FirstH1);
    }

    // An HTML document opens (after a BOM, whitespace, an XML declaration or comments) with one of these tags.
    [GeneratedRegex(@"\A\uFEFF?\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title)[\s>/]", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex HtmlStart();

    [GeneratedRegex(@"<meta[^>]+charset\s*=\s*[""']?(?<name>[A-Za-z0-9_\-:.]+)", RegexOptions.IgnoreCase)]
    private static partial Regex DeclaredCharset();

    private sealed class Reader(CancellationToken cancellationToken)
    {
        private readonly SectionTracker _sections = new();
        private readonly StringBuilder _inline = new();

        public List<ExtractedBlock> Blocks { get; } = [];

        public string? FirstH1 { get; private set; }

        public void ReadChildren(INode parent)
        {
            foreach (var child in parent.ChildNodes)
            {
                Read(child);
            }
        }

        public void FlushInline()
        {
            Add(_inline.ToString(), BlockKind.Paragraph);
            _inline.Clear();
        }

        private void Read(INode node)
        {
            if (node is IText text)
            {
                _inline.Append(text.Data);
                return;
            }

            if (node is not IElement element)
            {
                return;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var name = element.LocalName;
            switch (name)
            {
                case "h1" or "h2" or "h3" or "h4" or "h5" or "h6":
                    FlushInline();
                    var heading = InlineText(element);
                    if (heading.Length > 0)
                    {
                        Blocks.Add(_sections.Heading(heading, name[1] - '0'));
                        FirstH1 ??= name == "h1" ? heading : null;
                    }

                    return;
                case "p" or "dt" or "dd" or "figcaption" or "caption" or "address" or "summary":
                    FlushInline();
                    Add(InlineText(element), BlockKind.Paragraph);
                    return;
                case "li":
                    FlushInline();
                    ReadListItem(element);
                    return;
                case "pre":
                    FlushInline();
                    Add(element.TextContent.Trim('\r', '\n'), BlockKind.Code, collapse: false);
                    return;
                case "table":
                    FlushInline();
                    ReadTable(element);
                    return;
                case "br":
                    _inline.Append(' ');
                    return;
                case "img":
                    return;
                default:
                    if (IsBlock(name))
                    {
                        FlushInline();
                        ReadChildren(element);
                        FlushInline();
                    }
                    else
                    {
                        ReadChildren(element);
                    }

                    return;
            }
        }

        // A list item's own text is one block; lists nested in it give their own items after it.
        private void ReadListItem(IElement item)
        {
            var own = new StringBuilder();
            var nested = new List<IElement>();
            foreach (var child in item.ChildNodes)
            {
                if (child is IElement { LocalName: "ul" or "ol" or "table" or "pre" or "p" or "div" or "blockquote" } block)
                {
                    nested.Add(block);
                }
                else
                {
                    own.Append(child is IElement e ? InlineText(e) : child.TextContent).Append(' ');
                }
            }

            var paragraphs = nested.Where(e => e.LocalName == "p").ToList();
            foreach (var paragraph in paragraphs)
            {
                own.Append(InlineText(paragraph)).Append(' ');
            }

            Add(own.ToString(), BlockKind.ListItem);
            foreach (var block in nested.Except(paragraphs))
            {
                Read(block);
                FlushInline();
            }
        }

        private void ReadTable(IElement table)
        {
            foreach (var row in table.QuerySelectorAll("tr").Where(r => r.Closest("table") == table))
            {
                var cells = row.Children.Where(c => c.LocalName is "td" or "th").Select(InlineText);
                Add(string.Join(" | ", cells), BlockKind.Table);
            }

            foreach (var caption in table.Children.Where(c => c.LocalName == "caption"))
            {
                Add(InlineText(caption), BlockKind.Paragraph);
            }
        }

        private void Add(string text, BlockKind kind, bool collapse = true)
        {
            text = collapse ? Whitespace.Collapse(text) : text;
            if (!string.IsNullOrWhiteSpace(text) && text.Trim('|', ' ').Length > 0)
            {
                Blocks.Add(_sections.Block(text, kind));
            }
        }
    }

    private static bool IsBlock(string name) => name is "div" or "section" or "article" or "main" or "header"
        or "footer" or "aside" or "blockquote" or "ul" or "ol" or "li" or "dl" or "dt" or "dd" or "figure" or "form"
        or "fieldset" or "details" or "body" or "html" or "hr" or "center" or "p" or "table" or "tr" or "td" or "th"
        or "h1" or "h2" or "h3" or "h4" or "h5" or "h6" or "pre";

    /// <summary>The text of an element as one line: line breaks become spaces, whitespace collapses.</summary>
    private static string InlineText(IElement element)
    {
        var text = new StringBuilder();
        Append(element, text);
        return Whitespace.Collapse(text.ToString());

        static void Append(INode node, StringBuilder text)
        {
            foreach (var child in node.ChildNodes)
            {
                switch (child)
                {
                    case IText t:
                        text.Append(t.Data);
                        break;
                    case IElement { LocalName: "br" }:
                        text.Append(' ');
                        break;
                    case IElement e when IsBlock(e.LocalName):
                        // Block children inside an inline run (a div in a td) must not glue words together.
                        text.Append(' ');
                        Append(e, text);
                        text.Append(' ');
                        break;
                    case IElement e:
                        Append(e, text);
                        break;
                }
            }
        }
    }
}
