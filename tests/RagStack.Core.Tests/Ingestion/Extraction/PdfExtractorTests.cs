using RagStack.Extraction;
using RagStack.Ingestion.Extraction.Pdf;
using Xunit;

namespace RagStack.Core.Tests.Ingestion.Extraction;

public sealed class PdfExtractorTests
{
    private static readonly string[] LeftColumn =
    [
        "Alpha column begins the story here", "and the left side keeps on going", "with several more lines of text",
        "so that layout analysis sees a", "tall block of words on the left", "that a reader finishes first before",
        "moving across to the other side", "Alpha column ends here",
    ];

    private static readonly string[] RightColumn =
    [
        "Omega column starts on the right", "and it continues in the same way", "with lines that sit at the same",
        "heights as the ones on the left", "which fools naive extractors that", "read straight across the page",
        "from margin to margin line by line", "Omega column ends here",
    ];

    private readonly PdfExtractor _extractor = new();

    [Fact]
    public void Recognises_the_pdf_header_within_the_first_kilobyte()
    {
        Assert.True(_extractor.CanExtract("%PDF-1.7\n"u8, "x.txt"));
        Assert.True(_extractor.CanExtract([.. new byte[500], .. "%PDF-1.4"u8], null));
        Assert.False(_extractor.CanExtract([.. new byte[1100], .. "%PDF-1.4"u8], null));
        Assert.False(_extractor.CanExtract("Hello, world"u8, "x.pdf"));
    }

    [Fact]
    public async Task Every_block_carries_the_page_it_came_from()
    {
        var pdf = TestPdfs.Pages(["The first page talks about apples."], ["The second page talks about bananas."], ["The third page talks about cherries."]);

        var document = await _extractor.ExtractAsync(pdf, new ExtractionOptions());

        Assert.Equal(3, document.PageCount);
        Assert.Equal(PdfExtractor.MediaType, document.ContentType);
        Assert.All(document.Blocks, b => Assert.NotNull(b.Page));
        Assert.Equal(2, Assert.Single(document.Blocks, b => b.Text.Contains("bananas", StringComparison.Ordinal)).Page);
        Assert.Equal(3, Assert.Single(document.Blocks, b => b.Text.Contains("cherries", StringComparison.Ordinal)).Page);
    }

    [Fact]
    public async Task A_two_column_page_reads_the_left_column_before_the_right()
    {
        var pdf = TestPdfs.TwoColumns(LeftColumn, RightColumn);

        var document = await _extractor.ExtractAsync(pdf, new ExtractionOptions());

        var text = document.Text;
        var leftStart = text.IndexOf("Alpha column begins", StringComparison.Ordinal);
        var leftEnd = text.IndexOf("Alpha column ends", StringComparison.Ordinal);
        var rightStart = text.IndexOf("Omega column starts", StringComparison.Ordinal);
        Assert.True(leftStart >= 0 && leftEnd > leftStart && rightStart > leftEnd, text);
        Assert.Contains("and the left side keeps on going with several more lines", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Words_hyphenated_at_a_line_end_are_mended()
    {
        var pdf = TestPdfs.Pages(["The committee reached an agree-", "ment after a long night of talks."]);

        var document = await _extractor.ExtractAsync(pdf, new ExtractionOptions());

        Assert.Contains("reached an agreement after a long night", document.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Encrypted_pdf_without_password_is_rejected_as_encrypted()
    {
        var pdf = TestPdfs.Encrypted("Secret launch plans", "hunter2");

        var error = await Assert.ThrowsAsync<DocumentRejectedException>(() => _extractor.ExtractAsync(pdf, new ExtractionOptions()));

        Assert.Equal(RejectionReason.Encrypted, error.Reason);
        Assert.Equal("PDF is encrypted; supply its password with --pdf-password", error.Message);
    }

    [Fact]
    public async Task Encrypted_pdf_opens_with_any_of_the_supplied_passwords()
    {
        var pdf = TestPdfs.Encrypted("Secret launch plans", "hunter2");
        var options = new ExtractionOptions { PdfPasswords = ["wrong", "hunter2"] };

        var document = await _extractor.ExtractAsync(pdf, options);

        Assert.Contains("Secret launch plans", document.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Encrypted_pdf_with_only_wrong_passwords_is_rejected_as_encrypted()
    {
        var pdf = TestPdfs.Encrypted("Secret launch plans", "hunter2");
        var options = new ExtractionOptions { PdfPasswords = ["wrong"] };

        var error = await Assert.ThrowsAsync<DocumentRejectedException>(() => _extractor.ExtractAsync(pdf, options));

        Assert.Equal(RejectionReason.Encrypted, error.Reason);
    }

    [Fact]
    public async Task A_pdf_without_text_is_rejected_as_empty_with_a_hint_about_ocr()
    {
        var error = await Assert.ThrowsAsync<DocumentRejectedException>(() => _extractor.ExtractAsync(TestPdfs.BlankPage(), new ExtractionOptions()));

        Assert.Equal(RejectionReason.Empty, error.Reason);
        Assert.Equal("PDF has no extractable text (scanned images need OCR, which RagStack does not do)", error.Message);
    }

    [Fact]
    public async Task Garbage_after_a_pdf_header_is_rejected_as_corrupt()
    {
        var bytes = "%PDF-1.7\nthis is not a PDF body at all, no objects, no xref, no trailer\n"u8.ToArray();

        var error = await Assert.ThrowsAsync<DocumentRejectedException>(() => _extractor.ExtractAsync(bytes, new ExtractionOptions()));

        Assert.Equal(RejectionReason.Corrupt, error.Reason);
        Assert.StartsWith("PDF could not be read: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [SkippableFact]
    public async Task Real_encrypted_pdf_is_rejected_without_its_password_and_read_with_it()
    {
        var bytes = await File.ReadAllBytesAsync(SharedFiles.Pdf("encrypted-password-is-password.pdf"));

        var error = await Assert.ThrowsAsync<DocumentRejectedException>(() => _extractor.ExtractAsync(bytes, new ExtractionOptions()));
        var document = await _extractor.ExtractAsync(bytes, new ExtractionOptions { PdfPasswords = ["password"] });

        Assert.Equal(RejectionReason.Encrypted, error.Reason);
        Assert.False(document.IsEmpty);
        Assert.All(document.Blocks, b => Assert.InRange(b.Page!.Value, 1, document.PageCount!.Value));
    }

    [SkippableFact]
    public async Task Real_pdf_with_a_looping_xref_is_refused_with_a_typed_reason_instead_of_hanging()
    {
        var bytes = await File.ReadAllBytesAsync(SharedFiles.Pdf("invalid-xref-loop.pdf"));

        // Lenient parsing recovers the objects; its one page has an empty content stream.
        var error = await Assert.ThrowsAsync<DocumentRejectedException>(() => _extractor.ExtractAsync(bytes, new ExtractionOptions()));

        Assert.True(error.Reason is RejectionReason.Empty or RejectionReason.Corrupt, error.Message);
    }

    [SkippableFact]
    public async Task Real_empty_pdf_is_rejected_as_empty()
    {
        var bytes = await File.ReadAllBytesAsync(SharedFiles.Pdf("EmptyPdf.pdf"));

        var error = await Assert.ThrowsAsync<DocumentRejectedException>(() => _extractor.ExtractAsync(bytes, new ExtractionOptions()));

        Assert.Equal(RejectionReason.Empty, error.Reason);
    }

    [SkippableFact]
    public async Task Real_two_page_pdf_puts_its_second_page_text_on_page_two()
    {
        var bytes = await File.ReadAllBytesAsync(SharedFiles.Pdf("Two_Page_Text_Only_-_from_libre_office.pdf"));

        var document = await _extractor.ExtractAsync(bytes, new ExtractionOptions());

        Assert.Equal(2, document.PageCount);
        Assert.Equal(1, Assert.Single(document.Blocks, b => b.Text == "1. Definitions.").Page);
        Assert.Equal(2, Assert.Single(document.Blocks, b => b.Text.StartsWith("2. Grant of Copyright License.", StringComparison.Ordinal)).Page);
    }

    [SkippableFact]
    public async Task Real_two_column_pdf_reads_a_column_before_the_next()
    {
        var bytes = await File.ReadAllBytesAsync(SharedFiles.Pdf("Random_2_Columns_Lists_Hyph_-_Justified.pdf"));

        var document = await _extractor.ExtractAsync(bytes, new ExtractionOptions());

        var text = document.Text;
        Assert.Contains("Lorem ipsum dolor sit amet, consectetur adipiscing elit. In sodales gravida felis", text, StringComparison.Ordinal);
        var first = text.IndexOf("Aenean feugiat leo", StringComparison.Ordinal);
        var last = text.IndexOf("Morbi vestibulum varius", StringComparison.Ordinal);
        Assert.True(first >= 0 && last > first, text);
        Assert.DoesNotContain(document.Blocks, b => b.Text == "\u2022");
    }

    [SkippableFact]
    public async Task Real_pdf_that_draws_spaces_as_glyphs_keeps_its_words_in_order()
    {
        var bytes = await File.ReadAllBytesAsync(SharedFiles.Pdf("2559_words.pdf"));

        var document = await _extractor.ExtractAsync(bytes, new ExtractionOptions());

        Assert.StartsWith("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor", document.Text, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Real_rotated_and_non_latin_pdfs_give_their_text()
    {
        var rotated = await _extractor.ExtractAsync(await File.ReadAllBytesAsync(SharedFiles.Pdf("Rotated_Text_Libre_Office.pdf")), new ExtractionOptions());
        var arabic = await _extractor.ExtractAsync(await File.ReadAllBytesAsync(SharedFiles.Pdf("Single_Page_Non_Latin_-_from_acrobat_distiller.pdf")), new ExtractionOptions());

        Assert.Contains(rotated.Blocks, b => b.Text == "This is some angled text");
        Assert.StartsWith("Hello ", arabic.Text, StringComparison.Ordinal);
        Assert.Contains("\u062F", arabic.Text, StringComparison.Ordinal);
        Assert.Equal("Hello \u0645\u062D\u0645\u062F World", arabic.Title);
    }
}
