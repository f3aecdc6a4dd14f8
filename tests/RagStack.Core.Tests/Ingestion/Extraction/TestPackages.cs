using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace RagStack.Core.Tests.Ingestion.Extraction;

/// <summary>Word documents and ZIP archives written on the spot: a real DOCX, other Office packages, zip bombs.</summary>
internal static class TestPackages
{
    /// <summary>
    /// A report with a Title, "Heading1"/"Heading2" headings, a heading whose style id is localised but whose name is
    /// "heading 1", a numbered list, and a 2×2 table.
    /// </summary>
    public static byte[] Report()
    {
        using var stream = new MemoryStream();
        using (var word = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = word.AddMainDocumentPart();
            var styles = main.AddNewPart<StyleDefinitionsPart>();
            styles.Styles = new Styles(
                HeadingStyle("Title", "Title"),
                HeadingStyle("Heading1", "heading 1"),
                HeadingStyle("Heading2", "heading 2"),
                HeadingStyle("berschrift1", "heading 1"));
            word.PackageProperties.Title = null;

            main.Document = new Document(new Body(
                Styled("Quarterly Report", "Title"),
                Styled("Revenue", "Heading1"),
                Plain("Revenue grew by twelve percent."),
                Styled("Regional detail", "Heading2"),
                Plain("The north region led growth."),
                ListItem("First reason: new customers"),
                ListItem("Second reason: higher prices"),
                new Table(
                    Row("Region", "Sales"),
                    Row("North", "120")),
                Styled("Costs", "berschrift1"),
                new Paragraph(
                    new Run(new Text("Costs ") { Space = SpaceProcessingModeValues.Preserve }),
                    new Run(new Text("fell")),
                    new Run(new TabChar()),
                    new Run(new Text("sharply.")))));
        }

        return stream.ToArray();
    }

    /// <summary>A ZIP holding the given entries (name → UTF-8 text, or a byte count of zeros when the value is a long).</summary>
    public static byte[] Zip(params (string Name, object Content)[] entries)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                var entry = zip.CreateEntry(name, CompressionLevel.SmallestSize);
                using var data = entry.Open();
                if (content is long zeros)
                {
                    var buffer = new byte[1024 * 1024];
                    for (long written = 0; written < zeros; written += buffer.Length)
                    {
                        data.Write(buffer, 0, (int)Math.Min(buffer.Length, zeros - written));
                    }
                }
                else
                {
                    data.Write(Encoding.UTF8.GetBytes((string)content));
                }
            }
        }

        return stream.ToArray();
    }

    /// <summary>
    /// A zip bomb that lies: its single <c>word/document.xml</c> entry declares 1 KiB in both headers but inflates to
    /// <paramref name="actualBytes"/>.
    /// </summary>
    public static byte[] LyingZipBomb(long actualBytes)
    {
        var zip = Zip(("word/document.xml", actualBytes));
        var declared = BitConverter.GetBytes((uint)1024);
        // Local file header: uncompressed size at offset 22. Central directory header ("PK\1\2"): at offset 24.
        declared.CopyTo(zip, 22);
        var central = zip.AsSpan().IndexOf("PK\u0001\u0002"u8);
        declared.CopyTo(zip, central + 24);
        return zip;
    }

    private static Style HeadingStyle(string id, string name) =>
        new(new StyleName { Val = name }) { Type = StyleValues.Paragraph, StyleId = id };

    private static Paragraph Styled(string text, string styleId) =>
        new(new ParagraphProperties(new ParagraphStyleId { Val = styleId }), new Run(new Text(text)));

    private static Paragraph Plain(string text) => new(new Run(new Text(text)));

    private static Paragraph ListItem(string text) =>
        new(
            new ParagraphProperties(new NumberingProperties(new NumberingLevelReference { Val = 0 }, new NumberingId { Val = 1 })),
            new Run(new Text(text)));

    private static TableRow Row(params string[] cells) =>
        new(cells.Select(c => new TableCell(new Paragraph(new Run(new Text(c))))));
}
