using System.Diagnostics;
using System.Text;
using RagStack.Extraction;
using RagStack.Ingestion.Extraction;
using RagStack.Ingestion.Extraction.Docx;
using RagStack.Ingestion.Extraction.Html;
using RagStack.Ingestion.Extraction.Markdown;
using RagStack.Ingestion.Extraction.Pdf;
using RagStack.Ingestion.Extraction.PlainText;
using Xunit;
using Xunit.Abstractions;

namespace RagStack.Core.Tests.Ingestion.Extraction;

public sealed class ExtractionRunnerTests(ITestOutputHelper output)
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52];

    private readonly ExtractionRunner _runner = ExtractionRunner.CreateDefault();

    private Task<ExtractedDocument> Extract(byte[] bytes, string name, ExtractionOptions? options = null) =>
        _runner.ExtractAsync(bytes, name, options ?? new ExtractionOptions(), CancellationToken.None);

    private async Task<DocumentRejectedException> Rejected(byte[] bytes, string name, ExtractionOptions? options = null) =>
        await Assert.ThrowsAsync<DocumentRejectedException>(() => Extract(bytes, name, options));

    [Theory]
    [InlineData("pdf", "report.txt", PdfExtractor.MediaType)]
    [InlineData("docx", "report.pdf", DocxExtractor.MediaType)]
    [InlineData("html", "page.md", HtmlExtractor.MediaType)]
    [InlineData("prose", "notes.md", MarkdownExtractor.MediaType)]
    [InlineData("prose", "notes.markdown", MarkdownExtractor.MediaType)]
    [InlineData("headed", "notes", MarkdownExtractor.MediaType)]
    [InlineData("prose", "notes.txt", PlainTextExtractor.MediaType)]
    [InlineData("prose", "notes", PlainTextExtractor.MediaType)]
    [InlineData("prose", "notes.pdf", PlainTextExtractor.MediaType)]
    public async Task The_bytes_choose_the_extractor_and_the_name_only_breaks_text_ties(string kind, string name, string expected)
    {
        byte[] bytes = kind switch
        {
            "pdf" => TestPdfs.Pages(["A PDF in disguise."]),
            "docx" => TestPackages.Report(),
            "html" => Encoding.UTF8.GetBytes("<!DOCTYPE html><title>T</title><p>Hello page.</p>"),
            "headed" => Encoding.UTF8.GetBytes("# Heading\n\nSome text.\n"),
            _ => Encoding.UTF8.GetBytes("Just some prose.\n"),
        };

        var document = await Extract(bytes, name);

        Assert.Equal(expected, document.ContentType);
    }

    [Fact]
    public async Task A_png_named_pdf_is_unsupported_and_says_what_it_is()
    {
        var error = await Rejected(Png, "scan.pdf");

        Assert.Equal(RejectionReason.Unsupported, error.Reason);
        Assert.Equal("unsupported format (PNG image)", error.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10 }, "JPEG image")]
    [InlineData(new byte[] { 0x1F, 0x8B, 0x08, 0, 0, 0 }, "GZIP archive")]
    [InlineData(new byte[] { 0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0 }, "ELF executable")]
    [InlineData(new byte[] { 0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0, 0 }, "GIF image")]
    [InlineData(new byte[] { 0x01, 0x00, 0x02, 0x00, 0x03 }, "binary data that is not PDF, DOCX, HTML, Markdown or text")]
    public async Task Other_binary_formats_are_unsupported_by_name(byte[] bytes, string what)
    {
        var error = await Rejected(bytes, "file.txt");

        Assert.Equal(RejectionReason.Unsupported, error.Reason);
        Assert.Equal($"unsupported format ({what})", error.Message);
    }

    [Fact]
    public async Task A_file_over_the_size_limit_is_too_large()
    {
        var error = await Rejected(new byte[80 * 1024 * 1024], "big.pdf");

        Assert.Equal(RejectionReason.TooLarge, error.Reason);
        Assert.Equal("file is 80.0 MiB; the limit is 64.0 MiB", error.Message);
    }

    [Fact]
    public async Task An_empty_file_is_empty()
    {
        var error = await Rejected([], "empty.txt");

        Assert.Equal(RejectionReason.Empty, error.Reason);
    }

    [Fact]
    public async Task A_document_of_only_whitespace_is_empty()
    {
        var error = await Rejected(Encoding.UTF8.GetBytes("  \n\n\t \r\n  "), "blank.txt");

        Assert.Equal(RejectionReason.Empty, error.Reason);
    }

    [Fact]
    public async Task Text_over_the_character_limit_is_too_large_rather_than_cut()
    {
        var error = await Rejected(Encoding.UTF8.GetBytes(new string('a', 2000)), "long.txt", new ExtractionOptions { MaxCharacters = 1000 });

        Assert.Equal(RejectionReason.TooLarge, error.Reason);
        Assert.Equal("text is 2,000 characters; the limit is 1,000", error.Message);
    }

    [Fact]
    public async Task An_extractor_that_hangs_is_abandoned_at_the_deadline()
    {
        using var release = new ManualResetEventSlim();
        var runner = new ExtractionRunner([new FakeExtractor(() => release.Wait(TimeSpan.FromSeconds(30)))]);
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<DocumentRejectedException>(
            () => runner.ExtractAsync(new byte[] { 1 }, "x", new ExtractionOptions { Timeout = TimeSpan.FromMilliseconds(300) }, CancellationToken.None));
        release.Set();

        Assert.Equal(RejectionReason.TimedOut, error.Reason);
        Assert.Equal("extraction took longer than 0.3 s", error.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), clock.Elapsed.ToString());
    }

    [Fact]
    public async Task The_callers_cancellation_stays_a_cancellation()
    {
        using var release = new ManualResetEventSlim();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var runner = new ExtractionRunner([new FakeExtractor(() => release.Wait(TimeSpan.FromSeconds(30)))]);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => runner.ExtractAsync(new byte[] { 1 }, "x", new ExtractionOptions(), cancellation.Token));
        release.Set();
    }

    [Fact]
    public async Task An_unexpected_library_exception_becomes_a_corrupt_document()
    {
        var runner = new ExtractionRunner([new FakeExtractor(() => throw new InvalidOperationException("bad cross-reference table\nat offset 17"))]);

        var error = await Assert.ThrowsAsync<DocumentRejectedException>(
            () => runner.ExtractAsync(new byte[] { 1 }, "x", new ExtractionOptions(), CancellationToken.None));

        Assert.Equal(RejectionReason.Corrupt, error.Reason);
        Assert.Equal("PDF could not be read: bad cross-reference table", error.Message);
    }

    [Fact]
    public async Task A_truncated_word_document_is_corrupt()
    {
        var docx = TestPackages.Report();

        var error = await Rejected(docx[..(docx.Length / 2)], "cut.docx");

        Assert.Equal(RejectionReason.Corrupt, error.Reason);
        Assert.StartsWith("DOCX could not be read: ", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Every_shared_pdf_is_read_or_refused_with_a_reason_in_time()
    {
        var folder = Path.GetDirectoryName(SharedFiles.Pdf("README.md"))!;
        var options = new ExtractionOptions { Timeout = TimeSpan.FromSeconds(60) };
        foreach (var path in Directory.GetFiles(folder, "*.pdf").Order(StringComparer.Ordinal))
        {
            var clock = Stopwatch.StartNew();
            var outcome = "";
            try
            {
                var document = await _runner.ExtractAsync(await File.ReadAllBytesAsync(path), Path.GetFileName(path), options, CancellationToken.None);
                Assert.All(document.Blocks, b => Assert.InRange(b.Page ?? 0, 1, document.PageCount ?? 0));
                outcome = $"{document.PageCount} pages, {document.Blocks.Count} blocks, {document.Text.Length} chars";
            }
            catch (DocumentRejectedException error)
            {
                Assert.DoesNotContain('\n', error.Message);
                outcome = $"{error.Reason}: {error.Message}";
            }

            output.WriteLine($"{Path.GetFileName(path)} | {outcome} | {clock.ElapsedMilliseconds} ms");
        }
    }

    /// <summary>Stands in for a library that hangs or throws, which no real file here makes PdfPig do on demand.</summary>
    private sealed class FakeExtractor(Action work) : IDocumentExtractor
    {
        public string ContentType => PdfExtractor.MediaType;

        public bool CanExtract(ReadOnlySpan<byte> head, string? fileName) => true;

        public Task<ExtractedDocument> ExtractAsync(ReadOnlyMemory<byte> content, ExtractionOptions options, CancellationToken cancellationToken = default)
        {
            work();
            return Task.FromResult(new ExtractedDocument(ContentType, [new ExtractedBlock("done")]));
        }
    }
}
