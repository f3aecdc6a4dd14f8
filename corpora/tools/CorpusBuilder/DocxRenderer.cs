using System.IO.Compression;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace RagStack.Corpora.CorpusBuilder;

/// <summary>
/// Writes a <see cref="SourceDocument"/> as a Word document whose headings use real Heading1/Heading2 styles
/// (defined in the styles part), whose list items are numbered bullets and whose table rows form a Word table.
/// </summary>
internal static class DocxRenderer
{
    private static readonly DateTime FixedTime = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static byte[] Render(SourceDocument document)
    {
        using var raw = new MemoryStream();
        using (var word = WordprocessingDocument.Create(raw, WordprocessingDocumentType.Document))
        {
            // Explicit relationship ids (the SDK would pick random ones) keep the output byte-identical across runs.
            var main = word.AddNewPart<MainDocumentPart>("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", "rIdMain");
            var styles = main.AddNewPart<StyleDefinitionsPart>("rIdStyles");
            styles.Styles = BuildStyles();
            var numbering = main.AddNewPart<NumberingDefinitionsPart>("rIdNumbering");
            numbering.Numbering = BuildNumbering();
            var core = word.AddNewPart<CoreFilePropertiesPart>("application/vnd.openxmlformats-package.core-properties+xml", "rIdCore");
            using (var writer = new StreamWriter(core.GetStream(FileMode.Create)))
            {
                writer.Write(CoreProperties(document.Title));
            }

            var body = new Body();
            var blocks = document.Blocks;
            for (var i = 0; i < blocks.Count; i++)
            {
                var block = blocks[i];
                switch (block.Kind)
                {
                    case BlockKind.Heading1:
                        body.Append(StyledParagraph("Heading1", block.Text));
                        break;
                    case BlockKind.Heading2:
                        body.Append(StyledParagraph("Heading2", block.Text));
                        break;
                    case BlockKind.Paragraph:
                        body.Append(new Paragraph(new Run(new Text(block.Text) { Space = SpaceProcessingModeValues.Preserve })));
                        break;
                    case BlockKind.Bullet:
                        var item = StyledParagraph("ListParagraph", block.Text);
                        item.ParagraphProperties!.Append(new NumberingProperties(new NumberingLevelReference { Val = 0 }, new NumberingId { Val = 1 }));
                        body.Append(item);
                        break;
                    case BlockKind.TableRow:
                        var rows = new List<IReadOnlyList<string>>();
                        while (i < blocks.Count && blocks[i].Kind == BlockKind.TableRow)
                        {
                            rows.Add(blocks[i].Cells);
                            i++;
                        }

                        i--;
                        body.Append(BuildTable(rows));
                        break;
                    case BlockKind.PageBreak:
                    case BlockKind.TwoColumn:
                        // Page layout markers only matter for the PDF renderer.
                        break;
                    default:
                        throw new InvalidOperationException($"Unknown block kind {block.Kind}.");
                }
            }

            body.Append(new SectionProperties(
                new PageSize { Width = 12240, Height = 15840 },
                new PageMargin { Top = 1440, Bottom = 1440, Left = 1440, Right = 1440, Header = 720, Footer = 720, Gutter = 0 }));
            main.Document = new Document(body);
        }

        return Normalize(raw.ToArray());
    }

    /// <summary>Rewrites the package with fixed entry timestamps so that rebuilding gives identical bytes.</summary>
    private static byte[] Normalize(byte[] package)
    {
        using var input = new ZipArchive(new MemoryStream(package), ZipArchiveMode.Read);
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in input.Entries.OrderBy(e => e.FullName == "[Content_Types].xml" ? 0 : 1).ThenBy(e => e.FullName, StringComparer.Ordinal))
            {
                var copy = zip.CreateEntry(entry.FullName, CompressionLevel.Optimal);
                copy.LastWriteTime = new DateTimeOffset(FixedTime);
                using var from = entry.Open();
                using var to = copy.Open();
                from.CopyTo(to);
            }
        }

        return output.ToArray();
    }

    private static string CoreProperties(string title) =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
        + "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
        + "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" "
        + "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
        + $"<dc:title>{System.Security.SecurityElement.Escape(title)}</dc:title><dc:creator>RagStack corpus authors</dc:creator>"
        + "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2025-01-01T00:00:00Z</dcterms:created>"
        + "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">2025-01-01T00:00:00Z</dcterms:modified></cp:coreProperties>";

    private static Paragraph StyledParagraph(string styleId, string text) =>
        new(new ParagraphProperties(new ParagraphStyleId { Val = styleId }), new Run(new Text(text) { Space = SpaceProcessingModeValues.Preserve }));

    private static Table BuildTable(List<IReadOnlyList<string>> rows)
    {
        var table = new Table(new TableProperties(
            new TableStyle { Val = "TableGrid" },
            new TableWidth { Width = "5000", Type = TableWidthUnitValues.Pct },
            new TableLook { Val = "04A0" }));
        var columns = rows.Max(r => r.Count);
        var grid = new TableGrid();
        for (var c = 0; c < columns; c++)
        {
            grid.Append(new GridColumn { Width = (9360 / columns).ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        table.Append(grid);
        for (var r = 0; r < rows.Count; r++)
        {
            var row = new TableRow();
            if (r == 0)
            {
                row.Append(new TableRowProperties(new TableHeader()));
            }

            foreach (var cell in rows[r])
            {
                var run = new Run(new Text(cell) { Space = SpaceProcessingModeValues.Preserve });
                if (r == 0)
                {
                    run.PrependChild(new RunProperties(new Bold()));
                }

                row.Append(new TableCell(new Paragraph(run)));
            }

            table.Append(row);
        }

        return table;
    }

    private static Styles BuildStyles()
    {
        static Style Heading(string id, string name, int level, string halfPoints, string before) => new(
            new StyleName { Val = name },
            new BasedOn { Val = "Normal" },
            new NextParagraphStyle { Val = "Normal" },
            new UIPriority { Val = 9 },
            new PrimaryStyle(),
            new StyleParagraphProperties(
                new KeepNext(),
                new SpacingBetweenLines { Before = before, After = "120" },
                new OutlineLevel { Val = level }),
            new StyleRunProperties(new Bold(), new Color { Val = "1F3864" }, new FontSize { Val = halfPoints }))
        {
            Type = StyleValues.Paragraph,
            StyleId = id,
        };

        return new Styles(
            new DocDefaults(
                new RunPropertiesDefault(new RunPropertiesBaseStyle(
                    new RunFonts { Ascii = "Calibri", HighAnsi = "Calibri", ComplexScript = "Calibri" },
                    new FontSize { Val = "22" },
                    new Languages { Val = "en-US" })),
                new ParagraphPropertiesDefault(new ParagraphPropertiesBaseStyle(
                    new SpacingBetweenLines { After = "160", Line = "264", LineRule = LineSpacingRuleValues.Auto }))),
            new Style(new StyleName { Val = "Normal" }, new PrimaryStyle()) { Type = StyleValues.Paragraph, StyleId = "Normal", Default = true },
            Heading("Heading1", "heading 1", 0, "32", "240"),
            Heading("Heading2", "heading 2", 1, "26", "200"),
            new Style(
                new StyleName { Val = "List Paragraph" },
                new BasedOn { Val = "Normal" },
                new PrimaryStyle(),
                new StyleParagraphProperties(new Indentation { Left = "720" }, new ContextualSpacing()))
            {
                Type = StyleValues.Paragraph,
                StyleId = "ListParagraph",
            },
            new Style(
                new StyleName { Val = "Table Grid" },
                new BasedOn { Val = "TableNormal" },
                new StyleTableProperties(new TableBorders(
                    new TopBorder { Val = BorderValues.Single, Size = 4 },
                    new LeftBorder { Val = BorderValues.Single, Size = 4 },
                    new BottomBorder { Val = BorderValues.Single, Size = 4 },
                    new RightBorder { Val = BorderValues.Single, Size = 4 },
                    new InsideHorizontalBorder { Val = BorderValues.Single, Size = 4 },
                    new InsideVerticalBorder { Val = BorderValues.Single, Size = 4 })))
            {
                Type = StyleValues.Table,
                StyleId = "TableGrid",
            },
            new Style(new StyleName { Val = "Normal Table" }, new UIPriority { Val = 99 }, new SemiHidden())
            {
                Type = StyleValues.Table,
                StyleId = "TableNormal",
                Default = true,
            });
    }

    private static Numbering BuildNumbering() => new(
        new AbstractNum(
            new MultiLevelType { Val = MultiLevelValues.HybridMultilevel },
            new Level(
                new StartNumberingValue { Val = 1 },
                new NumberingFormat { Val = NumberFormatValues.Bullet },
                new LevelText { Val = "\u2022" },
                new LevelJustification { Val = LevelJustificationValues.Left },
                new PreviousParagraphProperties(new Indentation { Left = "720", Hanging = "360" }))
            {
                LevelIndex = 0,
            })
        {
            AbstractNumberId = 1,
        },
        new NumberingInstance(new AbstractNumId { Val = 1 }) { NumberID = 1 });
}
