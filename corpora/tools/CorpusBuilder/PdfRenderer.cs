using System.Globalization;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace RagStack.Corpora.CorpusBuilder;

/// <summary>
/// Lays a <see cref="SourceDocument"/> out on US Letter pages with the standard 14 Helvetica fonts: line wrapping
/// by glyph widths, pagination, one or two columns, bulleted lists and simple tables.
/// </summary>
internal sealed class PdfRenderer
{
    private const double PageWidth = 612;
    private const double PageHeight = 792;
    private const double Margin = 72;
    private const double ColumnGap = 24;
    private const double BodySize = 10.5;
    private const double Leading = 1.4;

    private readonly PdfDocumentBuilder _builder = new();
    private readonly PdfDocumentBuilder.AddedFont _regular;
    private readonly PdfDocumentBuilder.AddedFont _bold;
    private readonly List<PdfPageBuilder> _pages = [];
    private readonly Dictionary<(bool Bold, double Size, string Text), double> _widths = [];
    private PdfPageBuilder? _page;
    private int _columns = 1;
    private int _column;
    private double _y;

    private PdfRenderer()
    {
        _regular = _builder.AddStandard14Font(Standard14Font.Helvetica);
        _bold = _builder.AddStandard14Font(Standard14Font.HelveticaBold);
    }

    private double ColumnWidth => (PageWidth - (2 * Margin) - ((_columns - 1) * ColumnGap)) / _columns;

    private double ColumnLeft => Margin + (_column * (ColumnWidth + ColumnGap));

    public static byte[] Render(SourceDocument document)
    {
        var renderer = new PdfRenderer();
        renderer._builder.DocumentInformation.Title = document.Title;
        renderer._builder.DocumentInformation.Author = "RagStack corpus authors";
        renderer._builder.DocumentInformation.Creator = "RagStack CorpusBuilder";
        renderer._builder.DocumentInformation.Producer = "RagStack CorpusBuilder";
        renderer._builder.DocumentInformation.CreationDate = "D:20250101000000Z";
        renderer._builder.DocumentInformation.ModifiedDate = "D:20250101000000Z";
        renderer.Layout(document);
        return FixDocumentId(renderer._builder.Build());
    }

    /// <summary>
    /// PdfPig writes random GUIDs as the trailer's /ID; replace them (same length, so offsets stay valid) with a hash of
    /// the content so that rebuilding gives identical bytes.
    /// </summary>
    private static byte[] FixDocumentId(byte[] pdf)
    {
        var text = System.Text.Encoding.Latin1.GetString(pdf);
        var match = System.Text.RegularExpressions.Regex.Match(text, "/ID \\[ ?<([0-9A-F]{32})> ?<([0-9A-F]{32})> ?\\]");
        if (!match.Success)
        {
            return pdf;
        }

        var copy = (byte[])pdf.Clone();
        foreach (var group in new[] { match.Groups[1], match.Groups[2] })
        {
            for (var i = 0; i < 32; i++)
            {
                copy[group.Index + i] = (byte)'0';
            }
        }

        var id = Convert.ToHexString(System.Security.Cryptography.MD5.HashData(copy));
        foreach (var group in new[] { match.Groups[1], match.Groups[2] })
        {
            System.Text.Encoding.ASCII.GetBytes(id, 0, 32, copy, group.Index);
        }

        return copy;
    }

    /// <summary>Replaces characters that the standard 14 fonts' encoding lacks.</summary>
    private static string Sanitize(string text) => text
        .Replace("\u00d7", "x", StringComparison.Ordinal)
        .Replace("\u2248", "~", StringComparison.Ordinal)
        .Replace("\u2264", "<=", StringComparison.Ordinal)
        .Replace("\u2265", ">=", StringComparison.Ordinal)
        .Replace("\u2192", "->", StringComparison.Ordinal)
        .Replace("\u2212", "-", StringComparison.Ordinal)
        .Replace("\u221a", "sqrt", StringComparison.Ordinal);

    private void Layout(SourceDocument document)
    {
        NewPage(1);
        var blocks = document.Blocks;
        for (var i = 0; i < blocks.Count; i++)
        {
            var block = blocks[i];
            switch (block.Kind)
            {
                case BlockKind.PageBreak:
                    NewPage(1);
                    break;
                case BlockKind.TwoColumn:
                    NewPage(2);
                    break;
                case BlockKind.Heading1:
                    WriteHeading(block.Text, 17, 6);
                    break;
                case BlockKind.Heading2:
                    WriteHeading(block.Text, 12.5, 10);
                    break;
                case BlockKind.Paragraph:
                    WriteWrapped(block.Text, false, BodySize, 0, null);
                    _y -= BodySize * 0.6;
                    break;
                case BlockKind.Bullet:
                    WriteWrapped(block.Text, false, BodySize, 14, "-");
                    var nextIsBullet = i + 1 < blocks.Count && blocks[i + 1].Kind == BlockKind.Bullet;
                    _y -= nextIsBullet ? BodySize * 0.2 : BodySize * 0.6;
                    break;
                case BlockKind.TableRow:
                    var rows = new List<IReadOnlyList<string>>();
                    while (i < blocks.Count && blocks[i].Kind == BlockKind.TableRow)
                    {
                        rows.Add(blocks[i].Cells);
                        i++;
                    }

                    i--;
                    WriteTable(rows);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown block kind {block.Kind}.");
            }
        }

        for (var p = 0; p < _pages.Count; p++)
        {
            var footer = string.Create(CultureInfo.InvariantCulture, $"{document.Title} - page {p + 1} of {_pages.Count}");
            _pages[p].AddText(footer, 8, new PdfPoint(Margin, 40), _regular);
        }
    }

    private void NewPage(int columns)
    {
        _page = _builder.AddPage(PageWidth, PageHeight);
        _pages.Add(_page);
        _columns = columns;
        _column = 0;
        _y = PageHeight - Margin;
    }

    /// <summary>Moves to the next column or page when fewer than <paramref name="height"/> points are left.</summary>
    private void EnsureSpace(double height)
    {
        if (_y - height >= Margin)
        {
            return;
        }

        if (_column + 1 < _columns)
        {
            _column++;
            _y = PageHeight - Margin;
        }
        else
        {
            NewPage(_columns);
        }
    }

    private void WriteHeading(string text, double size, double spaceBefore)
    {
        var atTop = _y >= PageHeight - Margin - 0.1;
        if (!atTop)
        {
            _y -= spaceBefore;
        }

        var lines = Wrap(text, true, size, ColumnWidth);
        // Keep the heading with at least three lines of what follows.
        EnsureSpace((lines.Count * size * 1.25) + (3 * BodySize * Leading));
        foreach (var line in lines)
        {
            _y -= size * 1.25;
            _page!.AddText(line, size, new PdfPoint(ColumnLeft, _y), _bold);
        }

        _y -= size * 0.5;
    }

    private void WriteWrapped(string text, bool bold, double size, double indent, string? marker)
    {
        var lines = Wrap(text, bold, size, ColumnWidth - indent);
        var lineHeight = size * Leading;
        for (var i = 0; i < lines.Count; i++)
        {
            EnsureSpace(lineHeight);
            _y -= lineHeight;
            if (i == 0 && marker is not null)
            {
                _page!.AddText(marker, size, new PdfPoint(ColumnLeft + 3, _y), bold ? _bold : _regular);
            }

            _page!.AddText(lines[i], size, new PdfPoint(ColumnLeft + indent, _y), bold ? _bold : _regular);
        }
    }

    private void WriteTable(List<IReadOnlyList<string>> rows)
    {
        const double size = 9.5;
        const double padding = 6;
        var columns = rows.Max(r => r.Count);
        var natural = new double[columns];
        foreach (var row in rows)
        {
            for (var c = 0; c < row.Count; c++)
            {
                natural[c] = Math.Max(natural[c], Measure(row[c], true, size) + padding);
            }
        }

        var total = natural.Sum();
        var widths = natural.Select(w => total <= ColumnWidth ? w : w / total * ColumnWidth).ToArray();
        _y -= 2;
        for (var r = 0; r < rows.Count; r++)
        {
            var bold = r == 0;
            var cellLines = rows[r].Select((cell, c) => Wrap(cell, bold, size, widths[c] - padding)).ToList();
            var height = cellLines.Max(l => l.Count) * size * 1.3;
            EnsureSpace(height + 4);
            var x = ColumnLeft;
            for (var c = 0; c < cellLines.Count; c++)
            {
                var y = _y;
                foreach (var line in cellLines[c])
                {
                    y -= size * 1.3;
                    _page!.AddText(line, size, new PdfPoint(x, y), bold ? _bold : _regular);
                }

                x += widths[c];
            }

            _y -= height + 3;
            if (r == 0)
            {
                _page!.DrawLine(new PdfPoint(ColumnLeft, _y + 1), new PdfPoint(ColumnLeft + widths.Sum(), _y + 1), 0.5);
                _y -= 2;
            }
        }

        _y -= BodySize * 0.8;
    }

    private List<string> Wrap(string text, bool bold, double size, double width)
    {
        var lines = new List<string>();
        var current = string.Empty;
        foreach (var word in Sanitize(text).Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = current.Length == 0 ? word : current + " " + word;
            if (current.Length > 0 && Measure(candidate, bold, size) > width)
            {
                lines.Add(current);
                current = word;
            }
            else
            {
                current = candidate;
            }
        }

        if (current.Length > 0)
        {
            lines.Add(current);
        }

        return lines;
    }

    private double Measure(string text, bool bold, double size)
    {
        if (!_widths.TryGetValue((bold, size, text), out var width))
        {
            var letters = _page!.MeasureText(text, size, new PdfPoint(0, 0), bold ? _bold : _regular);
            width = letters.Count == 0 ? 0 : letters[^1].EndBaseLine.X;
            _widths[(bold, size, text)] = width;
        }

        return width;
    }
}
