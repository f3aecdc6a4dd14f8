using System.Text.RegularExpressions;
using RagStack.Extraction;

namespace RagStack.Ingestion.Extraction.PlainText;

/// <summary>
/// Reads plain text in any common encoding (byte-order mark, UTF-8, UTF-16, else a statistical guess) and cuts it into
/// paragraphs at blank lines. Plain text has no headings, so blocks carry no section path.
/// </summary>
internal sealed partial class PlainTextExtractor : IDocumentExtractor
{
    public const string MediaType = "text/plain";

    public string ContentType => MediaType;

    public bool CanExtract(ReadOnlySpan<byte> head, string? fileName) => TextDecoding.LooksLikeText(head);

    public Task<ExtractedDocument> ExtractAsync(ReadOnlyMemory<byte> content, ExtractionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Task.FromResult(Extract(TextDecoding.Decode(content.Span), cancellationToken));
    }

    internal static ExtractedDocument Extract(string text, CancellationToken cancellationToken = default)
    {
        var blocks = new List<ExtractedBlock>();
        foreach (var paragraph in BlankLines().Split(text.ReplaceLineEndings("\n")))
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Line breaks inside a paragraph are kept: in plain text they are often meaningful (addresses, verse, lists).
            var lines = paragraph.Split('\n').Select(line => line.TrimEnd()).SkipWhile(line => line.Length == 0);
            var cleaned = string.Join('\n', lines).TrimEnd();
            if (cleaned.Length > 0)
            {
                blocks.Add(new ExtractedBlock(cleaned));
            }
        }

        return new ExtractedDocument(MediaType, blocks);
    }

    [GeneratedRegex(@"\n[ \t\f\v]*\n\s*")]
    private static partial Regex BlankLines();
}
