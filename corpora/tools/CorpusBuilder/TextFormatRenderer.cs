using System.Net;
using System.Text;

namespace RagStack.Corpora.CorpusBuilder;

/// <summary>
/// Writes a <see cref="SourceDocument"/> in the three text formats: Markdown (<c>#</c> headings, <c>-</c> items, pipe
/// tables), HTML (<c>h1</c>/<c>h2</c>, <c>p</c>, <c>ul</c>, <c>table</c>) and plain text (headings underlined with
/// <c>===</c> and <c>---</c>). Page markers have no meaning outside PDF and are dropped.
/// </summary>
internal static class TextFormatRenderer
{
    public static string Markdown(SourceDocument document) => Render(document, block => block.Kind switch
    {
        BlockKind.Heading1 => $"# {block.Text}\n\n",
        BlockKind.Heading2 => $"## {block.Text}\n\n",
        BlockKind.Paragraph => $"{block.Text}\n\n",
        BlockKind.Bullet => $"- {block.Text}\n",
        BlockKind.TableRow => $"| {string.Join(" | ", block.Cells)} |\n",
        _ => string.Empty,
    }, header: null, footer: null);

    public static string PlainText(SourceDocument document) => Render(document, block => block.Kind switch
    {
        BlockKind.Heading1 => $"{block.Text.ToUpperInvariant()}\n{new string('=', block.Text.Length)}\n\n",
        BlockKind.Heading2 => $"\n{block.Text}\n{new string('-', block.Text.Length)}\n\n",
        BlockKind.Paragraph => $"{block.Text}\n\n",
        BlockKind.Bullet => $"- {block.Text}\n",
        BlockKind.TableRow => $"{string.Join("  |  ", block.Cells)}\n",
        _ => string.Empty,
    }, header: null, footer: null);

    public static string Html(SourceDocument document) => Render(document, block => block.Kind switch
    {
        BlockKind.Heading1 => $"<h1>{E(block.Text)}</h1>\n\n",
        BlockKind.Heading2 => $"<h2>{E(block.Text)}</h2>\n\n",
        BlockKind.Paragraph => $"<p>{E(block.Text)}</p>\n\n",
        BlockKind.Bullet => $"<li>{E(block.Text)}</li>\n",
        BlockKind.TableRow => $"<tr>{string.Concat(block.Cells.Select(c => $"<td>{E(c)}</td>"))}</tr>\n",
        _ => string.Empty,
    },
    header: $"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{E(document.Title)}</title>\n</head>\n<body>\n<article>\n",
    footer: "</article>\n</body>\n</html>\n",
    open: kind => kind switch { BlockKind.Bullet => "<ul>\n", BlockKind.TableRow => "<table>\n", _ => string.Empty },
    close: kind => kind switch { BlockKind.Bullet => "</ul>\n\n", BlockKind.TableRow => "</table>\n\n", _ => string.Empty });

    private static string E(string text) => WebUtility.HtmlEncode(text);

    /// <summary>Writes each block; a run of list items or table rows is wrapped by <paramref name="open"/> and <paramref name="close"/>.</summary>
    private static string Render(
        SourceDocument document,
        Func<Block, string> write,
        string? header,
        string? footer,
        Func<BlockKind, string>? open = null,
        Func<BlockKind, string>? close = null)
    {
        var text = new StringBuilder(header);
        BlockKind? run = null;
        foreach (var block in document.Blocks)
        {
            var grouped = block.Kind is BlockKind.Bullet or BlockKind.TableRow;
            if (run is { } current && current != block.Kind)
            {
                text.Append(close?.Invoke(current) ?? "\n");
                run = null;
            }

            if (grouped && run is null)
            {
                text.Append(open?.Invoke(block.Kind));
                run = block.Kind;
            }

            text.Append(write(block));
        }

        if (run is { } last)
        {
            text.Append(close?.Invoke(last) ?? "\n");
        }

        return text.Append(footer).ToString().TrimEnd() + "\n";
    }
}
