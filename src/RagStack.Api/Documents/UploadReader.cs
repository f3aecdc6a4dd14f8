using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using RagStack.Documents;
using RagStack.Extraction;
using RagStack.Ingestion;

namespace RagStack.Api.Documents;

/// <summary>One file of an upload, stored in the blob store.</summary>
internal sealed record StoredFile(string Name, string ContentHash, long SizeBytes, string ContentType);

/// <summary>An upload refused as a whole: its status code and what the caller should change.</summary>
internal sealed class UploadRejectedException(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
}

/// <summary>
/// Reads a <c>multipart/form-data</c> upload section by section, streaming each file into the blob store (never whole
/// in memory), with its type sniffed from its first bytes and its size capped. An upload is all or nothing: on any
/// refusal, or a body cut off mid-stream, the blobs it stored and nothing else references are deleted again.
/// </summary>
internal sealed class UploadReader(IBlobStore blobs, IDocumentCatalog catalog, IIngestionQueue queue, IDocumentTypeDetector detector, IOptions<UploadOptions> options)
{
    private const int MultipartHeadersLimit = 16 * 1024;

    public async Task<IReadOnlyList<StoredFile>> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 } boundary)
        {
            throw new UploadRejectedException(StatusCodes.Status415UnsupportedMediaType, "Not a multipart upload",
                "Send the files as multipart/form-data, one part per file (curl -F file=@report.pdf).");
        }

        if (request.ContentLength > limits.MaxRequestBytes)
        {
            throw TooLargeRequest(limits);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = limits.MaxRequestBytes;
        }

        var stored = new List<StoredFile>();
        var created = new List<string>();
        try
        {
            var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = MultipartHeadersLimit, BodyLengthLimit = null };
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition())
                {
                    // Form fields other than files carry nothing the upload uses; read past them.
                    await section.Body.CopyToAsync(Stream.Null, cancellationToken);
                    continue;
                }

                if (stored.Count == limits.MaxFiles)
                {
                    throw new UploadRejectedException(StatusCodes.Status400BadRequest, "Too many files",
                        $"An upload holds at most {limits.MaxFiles} files; send the rest in another request.");
                }

                var name = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                if (UploadNames.Problem(name) is { } problem)
                {
                    throw new UploadRejectedException(StatusCodes.Status400BadRequest, "Refused file name", problem + ". Nothing was stored.");
                }

                if (stored.Any(f => f.Name == name))
                {
                    throw new UploadRejectedException(StatusCodes.Status400BadRequest, "Duplicate file name",
                        $"{UploadNames.Show(name!)} appears twice in the upload; a name names one document of an index. Nothing was stored.");
                }

                stored.Add(await StoreAsync(name!, section.Body, limits, created, cancellationToken));
            }
        }
        catch (Exception e)
        {
            await DeleteUnreferencedAsync(created);
            throw e switch
            {
                UploadRejectedException or OperationCanceledException => e,
                BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => TooLargeRequest(limits),
                IOException or BadHttpRequestException or InvalidDataException => new UploadRejectedException(StatusCodes.Status400BadRequest, "Incomplete upload",
                    "The upload ended before its last file was complete (the body was cut off, or its multipart boundaries are broken); nothing was stored. Send it again."),
                _ => e,
            };
        }

        if (stored.Count == 0)
        {
            throw new UploadRejectedException(StatusCodes.Status400BadRequest, "No files",
                "The upload has no file part; send each file as a form part with a file name (curl -F file=@report.pdf).");
        }

        return stored;
    }

    /// <summary>Deletes blobs an abandoned upload stored, unless a document or a queued job uses the same bytes.</summary>
    public async Task DeleteUnreferencedAsync(IEnumerable<string> hashes)
    {
        foreach (var hash in hashes.Distinct())
        {
            if (!await catalog.IsContentReferencedAsync(hash, CancellationToken.None) && !await queue.IsContentQueuedAsync(hash, CancellationToken.None))
            {
                blobs.Delete(hash);
            }
        }
    }

    private async Task<StoredFile> StoreAsync(string name, Stream body, UploadOptions limits, List<string> created, CancellationToken cancellationToken)
    {
        var head = new byte[detector.HeadLength];
        var headLength = 0;
        int read;
        while (headLength < head.Length && (read = await body.ReadAsync(head.AsMemory(headLength), cancellationToken)) > 0)
        {
            headLength += read;
        }

        string contentType;
        try
        {
            contentType = detector.Detect(head.AsSpan(0, headLength), name);
        }
        catch (DocumentRejectedException e)
        {
            throw new UploadRejectedException(
                e.Reason == RejectionReason.Empty ? StatusCodes.Status400BadRequest : StatusCodes.Status415UnsupportedMediaType,
                e.Reason == RejectionReason.Empty ? "Empty file" : "Unsupported file type",
                $"{UploadNames.Show(name)}: {e.Message}. RagStack reads PDF, DOCX, HTML, Markdown and plain text. Nothing was stored.");
        }

        var stream = new UploadStream(head.AsMemory(0, headLength), body, limits.MaxFileBytes);
        try
        {
            var hash = await blobs.PutAsync(stream, cancellationToken);
            created.Add(hash);
            return new StoredFile(name, hash, stream.BytesRead, contentType);
        }
        catch (FileTooLargeException e)
        {
            throw new UploadRejectedException(StatusCodes.Status413PayloadTooLarge, "File too large",
                $"{UploadNames.Show(name)} is {e.Message}; nothing was stored. The limit is set by RagStack:Uploads:MaxFileBytes.");
        }
    }

    private static UploadRejectedException TooLargeRequest(UploadOptions limits) =>
        new(StatusCodes.Status413PayloadTooLarge, "Upload too large",
            $"The upload is larger than {limits.MaxRequestBytes / 1024.0 / 1024.0:0.#} MiB in all; send fewer files per request. Nothing was stored.");
}
