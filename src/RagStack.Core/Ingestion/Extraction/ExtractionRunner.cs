using System.Globalization;
using RagStack.Extraction;
using RagStack.Ingestion.Extraction.Docx;
using RagStack.Ingestion.Extraction.Html;
using RagStack.Ingestion.Extraction.Markdown;
using RagStack.Ingestion.Extraction.Pdf;
using RagStack.Ingestion.Extraction.PlainText;

namespace RagStack.Ingestion.Extraction;

/// <summary>
/// Picks the extractor for a document by its magic bytes (the file name only decides between Markdown and plain text)
/// and runs it under the size, time and text limits of <see cref="ExtractionOptions"/>. Every failure comes out as a
/// <see cref="DocumentRejectedException"/> with a one-line message; cancellation by the caller stays a cancellation.
/// </summary>
internal sealed class ExtractionRunner : IDocumentTypeDetector
{
    /// <summary>How many leading bytes are shown to <see cref="IDocumentExtractor.CanExtract"/>.</summary>
    public const int HeadBytes = 8 * 1024;

    private readonly IReadOnlyList<IDocumentExtractor> _extractors;
    private readonly TimeProvider _time;

    /// <summary>Extractors are asked in the given order, so binary formats must come before the text formats.</summary>
    public ExtractionRunner(IEnumerable<IDocumentExtractor> extractors)
        : this(extractors, TimeProvider.System)
    {
    }

    public ExtractionRunner(IEnumerable<IDocumentExtractor> extractors, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(extractors);
        ArgumentNullException.ThrowIfNull(time);
        _extractors = [.. extractors];
        _time = time;
    }

    /// <summary>PDF, DOCX, HTML, Markdown and plain text, in the order that lets each claim its own bytes.</summary>
    public static ExtractionRunner CreateDefault() => CreateDefault([], TimeProvider.System);

    /// <summary><paramref name="first"/>, asked before the built-in extractors, then PDF, DOCX, HTML, Markdown and plain text.</summary>
    public static ExtractionRunner CreateDefault(IEnumerable<IDocumentExtractor> first, TimeProvider time) =>
        new([.. first, new PdfExtractor(), new DocxExtractor(), new HtmlExtractor(), new MarkdownExtractor(), new PlainTextExtractor()], time);

    public async Task<ExtractedDocument> ExtractAsync(ReadOnlyMemory<byte> content, string fileName, ExtractionOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        cancellationToken.ThrowIfCancellationRequested();
        if (content.Length > options.MaxBytes)
        {
            throw Rejections.TooLarge("file", content.Length, options.MaxBytes);
        }

        if (content.IsEmpty)
        {
            throw new DocumentRejectedException(RejectionReason.Empty, "file is empty");
        }

        var extractor = Select(content.Span[..Math.Min(content.Length, HeadBytes)], fileName);
        var document = await RunAsync(extractor, content, options, cancellationToken);
        if (document.IsEmpty)
        {
            throw new DocumentRejectedException(RejectionReason.Empty, "the document has no text, only whitespace");
        }

        if (document.Text.Length > options.MaxCharacters)
        {
            throw new DocumentRejectedException(
                RejectionReason.TooLarge,
                string.Create(CultureInfo.InvariantCulture, $"text is {document.Text.Length:N0} characters; the limit is {options.MaxCharacters:N0}"));
        }

        return document;
    }

    int IDocumentTypeDetector.HeadLength => HeadBytes;

    public string Detect(ReadOnlySpan<byte> head, string fileName) =>
        head.IsEmpty ? throw new DocumentRejectedException(RejectionReason.Empty, "file is empty") : Select(head, fileName).ContentType;

    private IDocumentExtractor Select(ReadOnlySpan<byte> head, string? fileName)
    {
        foreach (var extractor in _extractors)
        {
            if (extractor.CanExtract(head, fileName))
            {
                return extractor;
            }
        }

        throw Rejections.Unsupported(BinarySignatures.Describe(head) ?? "binary data that is not PDF, DOCX, HTML, Markdown or text");
    }

    private async Task<ExtractedDocument> RunAsync(IDocumentExtractor extractor, ReadOnlyMemory<byte> content, ExtractionOptions options, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(options.Timeout, _time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        // The libraries are synchronous: run them on a worker thread so the wait can end at the deadline even when one
        // ignores the token. A library stuck in a loop keeps its thread until it returns; the pipeline moves on.
        var work = Task.Run(() => extractor.ExtractAsync(content, options, deadline.Token), deadline.Token);
        try
        {
            return await work.WaitAsync(options.Timeout, _time, cancellationToken);
        }
        catch (DocumentRejectedException)
        {
            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception) when (exception is TimeoutException || (exception is OperationCanceledException && deadline.IsCancellationRequested))
        {
            ObserveLater(work);
            throw new DocumentRejectedException(
                RejectionReason.TimedOut,
                string.Create(CultureInfo.InvariantCulture, $"extraction took longer than {options.Timeout.TotalSeconds:0.###} s"),
                exception);
        }
        catch (Exception exception)
        {
            throw Rejections.Corrupt(FormatName(extractor.ContentType), exception);
        }
    }

    // A task abandoned at the deadline may still fail later; its exception is of no further interest.
    private static void ObserveLater(Task task) =>
        task.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    private static string FormatName(string contentType) => contentType switch
    {
        PdfExtractor.MediaType => "PDF",
        DocxExtractor.MediaType => "DOCX",
        HtmlExtractor.MediaType => "HTML",
        MarkdownExtractor.MediaType => "Markdown",
        PlainTextExtractor.MediaType => "text",
        _ => contentType,
    };
}
