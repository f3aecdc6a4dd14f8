using System.Runtime.InteropServices;
using System.Text;
using RagStack.Extraction;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.DocumentLayoutAnalysis;
using UglyToad.PdfPig.DocumentLayoutAnalysis.PageSegmenter;
using UglyToad.PdfPig.DocumentLayoutAnalysis.ReadingOrderDetector;
using UglyToad.PdfPig.DocumentLayoutAnalysis.WordExtractor;
using UglyToad.PdfPig.Exceptions;

namespace RagStack.Ingestion.Extraction.Pdf;

/// <summary>
/// Reads PDFs with PdfPig: each page is cut into text blocks by layout analysis (Docstrum) and the blocks are put in
/// reading order, so two-column pages read column by column; every block carries its 1-based page number.
/// </summary>
internal sealed class PdfExtractor : IDocumentExtractor
{
    public const string MediaType = "application/pdf";

    // The specification lets a header follow up to 1 KiB of junk, and real files do.
    private const int HeaderWindow = 1024;

    public string ContentType => MediaType;

    public bool CanExtract(ReadOnlySpan<byte> head, string? fileName) =>
        head[..Math.Min(head.Length, HeaderWindow)].IndexOf("%PDF-"u8) >= 0;

    public Task<ExtractedDocument> ExtractAsync(ReadOnlyMemory<byte> content, ExtractionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Task.FromResult(Extract(content, options, cancellationToken));
    }

    private static ExtractedDocument Extract(ReadOnlyMemory<byte> content, ExtractionOptions options, CancellationToken cancellationToken)
    {
        var bytes = MemoryMarshal.TryGetArray(content, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : content.ToArray();
        var parsing = new ParsingOptions
        {
            UseLenientParsing = true,
            SkipMissingFonts = true,
            Passwords = [.. options.PdfPasswords],
        };

        using var document = Open(bytes, parsing);
        var blocks = new List<ExtractedBlock>();
        for (var number = 1; number <= document.NumberOfPages; number++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            IReadOnlyList<string> paragraphs;
            try
            {
                paragraphs = PageParagraphs(document.GetPage(number));
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                throw Rejections.Corrupt("PDF", new InvalidDataException($"page {number}: {exception.Message}", exception));
            }

            foreach (var text in paragraphs)
            {
                // PDF fonts draw ligatures (ﬁ) and presentation forms; compatibility normalisation gives back the
                // letters people type when they search.
                blocks.Add(new ExtractedBlock(text.Normalize(NormalizationForm.FormKC), BlockKind.Paragraph, number));
            }
        }

        if (blocks.Count == 0)
        {
            throw new DocumentRejectedException(RejectionReason.Empty, "PDF has no extractable text (scanned images need OCR, which RagStack does not do)");
        }

        var title = document.Information.Title;
        return new ExtractedDocument(MediaType, blocks, string.IsNullOrWhiteSpace(title) ? null : title.Trim(), document.NumberOfPages);
    }

    private static PdfDocument Open(byte[] bytes, ParsingOptions parsing)
    {
        try
        {
            return PdfDocument.Open(bytes, parsing);
        }
        catch (PdfDocumentEncryptedException exception)
        {
            throw new DocumentRejectedException(RejectionReason.Encrypted, "PDF is encrypted; supply its password with --pdf-password", exception);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            throw Rejections.Corrupt("PDF", exception);
        }
    }

    /// <summary>The page's paragraphs in reading order; plain word order when layout analysis fails or finds nothing.</summary>
    internal static IReadOnlyList<string> PageParagraphs(Page page)
    {
        IReadOnlyList<string> paragraphs;
        try
        {
            paragraphs = LayoutParagraphs(page);
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not OutOfMemoryException)
        {
            // Layout analysis is a heuristic over geometry that odd pages can break; the page's words still beat nothing.
            paragraphs = [];
        }

        if (paragraphs.Count > 0)
        {
            return paragraphs;
        }

        var plain = Whitespace.Collapse(string.Join(' ', page.GetWords().Select(w => w.Text)));
        if (plain.Length == 0)
        {
            plain = Whitespace.Collapse(page.Text);
        }

        return plain.Length == 0 ? [] : [plain];
    }

    private static List<string> LayoutParagraphs(Page page)
    {
        var letters = page.Letters;
        if (letters.Count == 0)
        {
            return [];
        }

        var words = NearestNeighbourWordExtractor.Instance.GetWords(letters).Where(w => !string.IsNullOrWhiteSpace(w.Text)).ToList();
        if (words.Count == 0)
        {
            return [];
        }

        var blocks = DocstrumBoundingBoxes.Instance.GetBlocks(words);
        var ordered = UnsupervisedReadingOrderDetector.Instance.Get(blocks);
        var paragraphs = new List<string>();
        foreach (var block in ordered)
        {
            var text = JoinLines(block.TextLines);
            // A block of bullets or rules alone carries nothing to search for.
            if (text.Any(char.IsLetterOrDigit))
            {
                paragraphs.Add(text);
            }
        }

        return paragraphs;
    }

    /// <summary>Joins the lines of a block into one paragraph, mending words hyphenated at a line end ("exam-" + "ple").</summary>
    internal static string JoinLines(IReadOnlyList<TextLine> lines)
    {
        var text = new StringBuilder();
        foreach (var words in VisualLines(lines))
        {
            var lineText = Whitespace.Collapse(string.Join(' ', words.Select(w => w.Text)));
            if (lineText.Length == 0)
            {
                continue;
            }

            if (text.Length == 0)
            {
                text.Append(lineText);
            }
            else if (EndsWithBrokenWord(text) && char.IsLower(lineText[0]))
            {
                text.Length--;
                text.Append(lineText);
            }
            else
            {
                text.Append(' ').Append(lineText);
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// The words of a block as printed lines, top line first and each line in writing order. Docstrum can split one
    /// printed line into several pieces (files that draw spaces as glyphs do this) and hand words over out of order,
    /// so pieces on the same baseline are merged and words sorted along the text direction, which may be rotated.
    /// </summary>
    private static IEnumerable<IEnumerable<Word>> VisualLines(IReadOnlyList<TextLine> lines)
    {
        if (lines.Count == 0)
        {
            yield break;
        }

        var angle = lines[0].BoundingBox.Rotation * Math.PI / 180;
        var (cos, sin) = (Math.Cos(angle), Math.Sin(angle));
        double Along(PdfRectangle box) => (box.BottomLeft.X * cos) + (box.BottomLeft.Y * sin);
        double Across(PdfRectangle box) => (box.BottomLeft.Y * cos) - (box.BottomLeft.X * sin);

        var pieces = lines.OrderByDescending(l => Across(l.BoundingBox)).ToList();
        var current = new List<Word>(pieces[0].Words);
        var baseline = Across(pieces[0].BoundingBox);
        var height = pieces[0].BoundingBox.Height;
        foreach (var piece in pieces.Skip(1))
        {
            var across = Across(piece.BoundingBox);
            if (Math.Abs(across - baseline) < 0.5 * Math.Min(height, piece.BoundingBox.Height))
            {
                current.AddRange(piece.Words);
                continue;
            }

            yield return current.OrderBy(w => Along(w.BoundingBox));
            current = [.. piece.Words];
            baseline = across;
            height = piece.BoundingBox.Height;
        }

        yield return current.OrderBy(w => Along(w.BoundingBox));
    }

    private static bool EndsWithBrokenWord(StringBuilder text) =>
        text.Length >= 2 && text[^1] is ('-' or '\u00AD') && char.IsLetter(text[^2]);
}
