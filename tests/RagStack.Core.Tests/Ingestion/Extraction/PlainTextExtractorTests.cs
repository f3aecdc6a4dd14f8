using System.Text;
using RagStack.Extraction;
using RagStack.Ingestion.Extraction.PlainText;
using Xunit;

namespace RagStack.Core.Tests.Ingestion.Extraction;

public sealed class PlainTextExtractorTests
{
    private const string Letter = "Dear Zoë,\r\nthank you for the crème brûlée.\r\n\r\n\r\nSee you in Zürich.\n  \nBest,\nJürgen\n";

    private readonly PlainTextExtractor _extractor = new();

    [Theory]
    [InlineData("utf-8")]
    [InlineData("utf-8-bom")]
    [InlineData("utf-16le-bom")]
    [InlineData("utf-16be-bom")]
    [InlineData("utf-16le")]
    [InlineData("latin-1")]
    public async Task Text_is_decoded_whatever_its_encoding(string encoding)
    {
        var bytes = Encode(Letter, encoding);

        var document = await _extractor.ExtractAsync(bytes, new ExtractionOptions());

        Assert.Equal(
            ["Dear Zoë,\nthank you for the crème brûlée.", "See you in Zürich.", "Best,\nJürgen"],
            document.Blocks.Select(b => b.Text));
    }

    [Fact]
    public async Task Latin_1_prose_is_recognised_by_the_charset_detector()
    {
        var prose = string.Concat(Enumerable.Repeat("Les élèves étudient à l'école où règne une ambiance très agréable. ", 20));
        var bytes = Encoding.Latin1.GetBytes(prose);

        var document = await _extractor.ExtractAsync(bytes, new ExtractionOptions());

        Assert.Equal(prose.TrimEnd(), document.Text);
    }

    [Fact]
    public async Task Paragraphs_have_no_section_path_and_no_page()
    {
        var document = await _extractor.ExtractAsync(Encoding.UTF8.GetBytes("# not a heading here\n\nsecond"), new ExtractionOptions());

        Assert.All(document.Blocks, b => Assert.Empty(b.SectionPath));
        Assert.All(document.Blocks, b => Assert.Equal(BlockKind.Paragraph, b.Kind));
        Assert.All(document.Blocks, b => Assert.Null(b.Page));
        Assert.Equal(2, document.Blocks.Count);
    }

    [Fact]
    public void Binary_data_is_not_text()
    {
        Assert.False(_extractor.CanExtract([0x00, 0x01, 0x02, 0x03, 0x41, 0x42, 0x00, 0x00], "data.txt"));
        var controls = Enumerable.Range(0, 400).Select(i => (byte)(i % 3 == 0 ? 0x01 : 0x41)).ToArray();
        Assert.False(_extractor.CanExtract(controls, "data.txt"));
        Assert.True(_extractor.CanExtract("plain words\twith a tab\r\n"u8, null));
        Assert.True(_extractor.CanExtract(Encoding.Unicode.GetBytes("UTF-16 without a byte order mark"), null));
    }

    private static byte[] Encode(string text, string encoding) => encoding switch
    {
        "utf-8" => Encoding.UTF8.GetBytes(text),
        "utf-8-bom" => [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)],
        "utf-16le-bom" => [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(text)],
        "utf-16be-bom" => [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes(text)],
        "utf-16le" => Encoding.Unicode.GetBytes(text),
        "latin-1" => Encoding.Latin1.GetBytes(text),
        _ => throw new ArgumentOutOfRangeException(nameof(encoding)),
    };
}
