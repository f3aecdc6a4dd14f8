using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using RagStack.Extraction;

namespace RagStack.Ingestion.Extraction.Docx;

/// <summary>
/// Reads Word documents with DocumentFormat.OpenXml after checking the ZIP package against zip bombs (entry count,
/// declared and actual decompressed size). Heading and Title styles become headings with section paths, numbered or
/// list-styled paragraphs list items, and tables one block per row.
/// </summary>
internal sealed partial class DocxExtractor : IDocumentExtractor
{
    public const string MediaType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    private const string MainPart = "word/document.xml";

    public string ContentType => MediaType;

    // Any ZIP is claimed so that a spreadsheet or a plain archive is refused with what it is, after a look inside.
    public bool CanExtract(ReadOnlySpan<byte> head, string? fileName) => head.StartsWith("PK\u0003\u0004"u8);

    public Task<ExtractedDocument> ExtractAsync(ReadOnlyMemory<byte> content, ExtractionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var bytes = MemoryMarshal.TryGetArray(content, out var segment) ? segment : new ArraySegment<byte>(content.ToArray());
        using var stream = new MemoryStream(bytes.Array!, bytes.Offset, bytes.Count, writable: false);
        CheckPackage(stream, options, cancellationToken);
        stream.Position = 0;
        return Task.FromResult(Read(stream, cancellationToken));
    }

    /// <summary>Refuses archives that are not Word documents or that would unpack to more than the limits allow.</summary>
    internal static void CheckPackage(Stream stream, ExtractionOptions options, CancellationToken cancellationToken)
    {
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            var entries = zip.Entries;
            if (entries.Count > options.MaxArchiveEntries)
            {
                throw new DocumentRejectedException(
                    RejectionReason.TooLarge,
                    $"the package holds {entries.Count} entries; the limit is {options.MaxArchiveEntries}");
            }

            if (!entries.Any(e => e.FullName.Equals(MainPart, StringComparison.OrdinalIgnoreCase)))
            {
                throw Rejections.Unsupported(DescribeArchive(entries));
            }

            var declared = entries.Sum(e => e.Length);
            if (declared > options.MaxDecompressedBytes)
            {
                throw Rejections.TooLarge("the unpacked package", declared, options.MaxDecompressedBytes);
            }

            // Declared sizes are written by whoever made the file; only inflating the data proves them.
            var buffer = new byte[81920];
            long total = 0;
            foreach (var entry in entries)
            {
                using var data = entry.Open();
                int read;
                while ((read = data.Read(buffer)) > 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    total += read;
                    if (total > options.MaxDecompressedBytes)
                    {
                        throw new DocumentRejectedException(
                            RejectionReason.TooLarge,
                            $"the unpacked package is larger than the limit of {Rejections.Size(options.MaxDecompressedBytes)}");
                    }
                }
            }
        }
        catch (InvalidDataException exception)
        {
            throw Rejections.Corrupt("DOCX", exception);
        }
    }

    private static string DescribeArchive(IReadOnlyCollection<ZipArchiveEntry> entries)
    {
        bool Has(string prefix) => entries.Any(e => e.FullName.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
        if (Has("xl/"))
        {
            return "Excel workbook";
        }

        if (Has("ppt/"))
        {
            return "PowerPoint presentation";
        }

        return Has("mimetype") && Has("content.xml") ? "OpenDocument file" : "ZIP archive";
    }

    private static ExtractedDocument Read(Stream stream, CancellationToken cancellationToken)
    {
        WordprocessingDocument word;
        try
        {
            word = WordprocessingDocument.Open(stream, isEditable: false);
        }
        catch (Exception exception) when (exception is OpenXmlPackageException or InvalidDataException or IOException or System.Xml.XmlException)
        {
            throw Rejections.Corrupt("DOCX", exception);
        }

        using (word)
        {
            var body = word.MainDocumentPart?.Document?.Body
                ?? throw new DocumentRejectedException(RejectionReason.Corrupt, "DOCX could not be read: the document has no body");
            var reader = new Reader(StyleSheet.From(word.MainDocumentPart.StyleDefinitionsPart?.Styles), cancellationToken);
            reader.ReadChildren(body);
            var title = word.PackageProperties.Title;
            return new ExtractedDocument(MediaType, reader.Blocks, string.IsNullOrWhiteSpace(title) ? reader.FirstHeading : title.Trim());
        }
    }

    private sealed class Reader(StyleSheet styles, CancellationToken cancellationToken)
    {
        private readonly SectionTracker _sections = new();

        public List<ExtractedBlock> Blocks { get; } = [];

        public string? FirstHeading { get; private set; }

        public void ReadChildren(OpenXmlElement parent)
        {
            foreach (var child in parent.ChildElements)
            {
                cancellationToken.ThrowIfCancellationRequested();
                switch (child)
                {
                    case Paragraph paragraph:
                        ReadParagraph(paragraph);
                        break;
                    case Table table:
                        ReadTable(table);
                        break;
                    case SectionProperties:
                        break;
                    default:
                        // Content controls and custom XML wrap ordinary paragraphs and tables.
                        ReadChildren(child);
                        break;
                }
            }
        }

        private void ReadParagraph(Paragraph paragraph)
        {
            var text = ParagraphText(paragraph);
            if (text.Length == 0)
            {
                return;
            }

            var properties = paragraph.ParagraphProperties;
            var styleId = properties?.ParagraphStyleId?.Val?.Value;
            var level = OutlineLevel(properties?.OutlineLevel) ?? styles.HeadingLevel(styleId);
            if (level is int headingLevel)
            {
                Blocks.Add(_sections.Heading(text, headingLevel));
                FirstHeading ??= text;
                return;
            }

            var isListItem = properties?.NumberingProperties?.NumberingId is not null || styles.IsList(styleId);
            Blocks.Add(_sections.Block(text, isListItem ? BlockKind.ListItem : BlockKind.Paragraph));
        }

        private void ReadTable(Table table)
        {
            foreach (var row in table.Elements<TableRow>())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var cells = row.Elements<TableCell>()
                    .Select(cell => Whitespace.Collapse(string.Join(' ', cell.Descendants<Paragraph>().Select(ParagraphText))));
                var text = string.Join(" | ", cells);
                if (text.Trim('|', ' ').Length > 0)
                {
                    Blocks.Add(_sections.Block(text, BlockKind.Table));
                }
            }
        }
    }

    // outlineLvl 0-8 are heading levels 1-9; 9 means body text.
    private static int? OutlineLevel(OutlineLevel? outline) =>
        outline?.Val?.Value is int value and >= 0 and < 9 ? value + 1 : null;

    private static string ParagraphText(Paragraph paragraph)
    {
        var text = new StringBuilder();
        Append(paragraph, text);
        return Whitespace.Collapse(text.ToString());

        static void Append(OpenXmlElement element, StringBuilder text)
        {
            foreach (var child in element.ChildElements)
            {
                switch (child)
                {
                    case Text t:
                        text.Append(t.Text);
                        break;
                    case TabChar or Break or CarriageReturn:
                        text.Append(' ');
                        break;
                    case NoBreakHyphen:
                        text.Append('-');
                        break;
                    // Text boxes and drawings hold paragraphs of their own, and a fallback repeats its choice.
                    case Drawing or Picture or TextBoxContent or AlternateContentFallback or Paragraph:
                        break;
                    default:
                        Append(child, text);
                        break;
                }
            }
        }
    }

    /// <summary>The heading levels and list styles of a document's style sheet, following "based on" chains.</summary>
    private sealed partial class StyleSheet
    {
        private readonly Dictionary<string, Style> _byId;

        private StyleSheet(Dictionary<string, Style> byId) => _byId = byId;

        public static StyleSheet From(Styles? styles)
        {
            var byId = new Dictionary<string, Style>(StringComparer.OrdinalIgnoreCase);
            foreach (var style in styles?.Elements<Style>() ?? [])
            {
                if (style.StyleId?.Value is string id)
                {
                    byId.TryAdd(id, style);
                }
            }

            return new StyleSheet(byId);
        }

        public int? HeadingLevel(string? styleId)
        {
            foreach (var (id, style) in Chain(styleId))
            {
                var name = style?.StyleName?.Val?.Value;
                if (IsTitle(id) || IsTitle(name))
                {
                    return 1;
                }

                var match = HeadingName().Match(id);
                if (!match.Success && name is not null)
                {
                    match = HeadingName().Match(name);
                }

                if (match.Success)
                {
                    return int.Parse(match.Groups[1].ValueSpan, provider: System.Globalization.CultureInfo.InvariantCulture);
                }

                if (OutlineLevel(style?.StyleParagraphProperties?.OutlineLevel) is int level)
                {
                    return level;
                }
            }

            return null;
        }

        public bool IsList(string? styleId) => Chain(styleId).Any(s =>
            s.Style?.StyleParagraphProperties?.NumberingProperties is not null
            || s.Id.StartsWith("List", StringComparison.OrdinalIgnoreCase)
            || (s.Style?.StyleName?.Val?.Value?.StartsWith("List", StringComparison.OrdinalIgnoreCase) ?? false));

        private IEnumerable<(string Id, Style? Style)> Chain(string? styleId)
        {
            // Ten steps is deeper than any real style sheet and stops a basedOn cycle.
            for (var depth = 0; styleId is not null && depth < 10; depth++)
            {
                _byId.TryGetValue(styleId, out var style);
                yield return (styleId, style);
                styleId = style?.BasedOn?.Val?.Value;
            }
        }

        private static bool IsTitle(string? name) => string.Equals(name, "Title", StringComparison.OrdinalIgnoreCase);

        [GeneratedRegex(@"^heading\s*([1-9])$", RegexOptions.IgnoreCase)]
        private static partial Regex HeadingName();
    }
}
