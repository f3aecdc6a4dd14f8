using RagStack.Extraction;
using RagStack.Ingestion.Extraction.Docx;
using Xunit;

namespace RagStack.Core.Tests.Ingestion.Extraction;

public sealed class DocxExtractorTests
{
    private readonly DocxExtractor _extractor = new();

    [Fact]
    public async Task Heading_styles_become_headings_with_section_paths()
    {
        var document = await _extractor.ExtractAsync(TestPackages.Report(), new ExtractionOptions());

        var title = Assert.Single(document.Blocks, b => b.Text == "Quarterly Report");
        Assert.Equal((BlockKind.Heading, 1), (title.Kind, title.HeadingLevel));
        var regional = Assert.Single(document.Blocks, b => b.Text == "Regional detail");
        Assert.Equal((BlockKind.Heading, 2), (regional.Kind, regional.HeadingLevel));
        Assert.Equal(["Revenue"], regional.SectionPath);
        Assert.Equal(["Revenue", "Regional detail"], Assert.Single(document.Blocks, b => b.Text == "The north region led growth.").SectionPath);
        Assert.Equal("Quarterly Report", document.Title);
        Assert.Equal(DocxExtractor.MediaType, document.ContentType);
    }

    [Fact]
    public async Task A_style_named_heading_1_is_a_heading_whatever_its_id()
    {
        var document = await _extractor.ExtractAsync(TestPackages.Report(), new ExtractionOptions());

        var costs = Assert.Single(document.Blocks, b => b.Text == "Costs");
        Assert.Equal((BlockKind.Heading, 1), (costs.Kind, costs.HeadingLevel));
        var body = Assert.Single(document.Blocks, b => b.Text.StartsWith("Costs fell", StringComparison.Ordinal));
        Assert.Equal("Costs fell sharply.", body.Text);
        Assert.Equal(["Costs"], body.SectionPath);
    }

    [Fact]
    public async Task Numbered_paragraphs_are_list_items_and_tables_are_rows()
    {
        var document = await _extractor.ExtractAsync(TestPackages.Report(), new ExtractionOptions());

        Assert.Equal(
            ["First reason: new customers", "Second reason: higher prices"],
            document.Blocks.Where(b => b.Kind == BlockKind.ListItem).Select(b => b.Text));
        Assert.Equal(["Region | Sales", "North | 120"], document.Blocks.Where(b => b.Kind == BlockKind.Table).Select(b => b.Text));
        Assert.Equal(BlockKind.Paragraph, Assert.Single(document.Blocks, b => b.Text == "Revenue grew by twelve percent.").Kind);
    }

    [Fact]
    public async Task A_zip_bomb_declaring_a_huge_size_is_refused_as_too_large()
    {
        var bomb = TestPackages.Zip(("[Content_Types].xml", "<Types/>"), ("word/document.xml", 8L * 1024 * 1024));
        var options = new ExtractionOptions { MaxDecompressedBytes = 1024 * 1024 };

        var error = await Assert.ThrowsAsync<DocumentRejectedException>(() => _extractor.ExtractAsync(bomb, options));

        Assert.Equal(RejectionReason.TooLarge, error.Reason);
        Assert.Equal("the unpacked package is 8.0 MiB; the limit is 1.0 MiB", error.Message);
    }

    [Fact]
    public async Task A_zip_bomb_that_lies_about_its_size_is_refused_without_going_off()
    {
        var bomb = TestPackages.LyingZipBomb(8L * 1024 * 1024);
        var options = new ExtractionOptions { MaxDecompressedBytes = 1024 * 1024 };

        var error = await Assert.ThrowsAsync<DocumentRejectedException>(() => _extractor.ExtractAsync(bomb, options));

        // .NET stops inflating at the declared size, so the bomb cannot go off; the guard counting real bytes is the
        // second line. Either way the document is refused, never read.
        Assert.True(error.Reason is RejectionReason.TooLarge or RejectionReason.Corrupt, error.Message);
    }

    [Fact]
    public async Task A_package_with_too_many_entries_is_refused_as_too_large()
    {
        var entries = Enumerable.Range(0, 30).Select(i => ($"word/media/{i}.txt", (object)"x")).Append(("word/document.xml", "<w/>")).ToArray();

        var error = await Assert.ThrowsAsync<DocumentRejectedException>(() => _extractor.ExtractAsync(TestPackages.Zip(entries), new ExtractionOptions { MaxArchiveEntries = 20 }));

        Assert.Equal(RejectionReason.TooLarge, error.Reason);
        Assert.Equal("the package holds 31 entries; the limit is 20", error.Message);
    }

    [Fact]
    public async Task A_spreadsheet_is_unsupported()
    {
        var xlsx = TestPackages.Zip(("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<workbook/>"));

        var error = await Assert.ThrowsAsync<DocumentRejectedException>(() => _extractor.ExtractAsync(xlsx, new ExtractionOptions()));

        Assert.Equal(RejectionReason.Unsupported, error.Reason);
        Assert.Equal("unsupported format (Excel workbook)", error.Message);
    }

    [Fact]
    public async Task A_plain_zip_is_unsupported()
    {
        var zip = TestPackages.Zip(("notes.txt", "hello"));

        var error = await Assert.ThrowsAsync<DocumentRejectedException>(() => _extractor.ExtractAsync(zip, new ExtractionOptions()));

        Assert.Equal(RejectionReason.Unsupported, error.Reason);
        Assert.Equal("unsupported format (ZIP archive)", error.Message);
    }

    [Fact]
    public async Task A_zip_holding_a_broken_word_document_is_corrupt()
    {
        var fake = TestPackages.Zip(("word/document.xml", "<not-word"));

        var error = await Assert.ThrowsAsync<DocumentRejectedException>(() => _extractor.ExtractAsync(fake, new ExtractionOptions()));

        Assert.Equal(RejectionReason.Corrupt, error.Reason);
        Assert.StartsWith("DOCX could not be read: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Any_zip_is_claimed_so_that_it_can_be_refused_by_what_it_holds()
    {
        Assert.True(_extractor.CanExtract(TestPackages.Zip(("a.txt", "a")), null));
        Assert.False(_extractor.CanExtract("%PDF-1.7"u8, "x.docx"));
    }
}
