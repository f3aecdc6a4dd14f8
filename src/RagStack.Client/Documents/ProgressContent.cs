using System.Net;

namespace RagStack.Client.Documents;

/// <summary>
/// One file's bytes as a multipart part, copied from its stream as the request is written (never buffered whole) and
/// counted into <see cref="UploadCounter"/> as they go.
/// </summary>
internal sealed class ProgressContent(DocumentUpload file, UploadCounter counter) : HttpContent
{
    private const int BufferSize = 81920;

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var source = file.OpenContent();
        var buffer = new byte[BufferSize];
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            counter.Add(read, file.Name);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    // Unknown up front: the request is sent chunked, so a file is read once, while it is sent.
    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}

/// <summary>The bytes sent over all files of one upload, reported to the caller's progress.</summary>
internal sealed class UploadCounter(IProgress<UploadProgress>? progress)
{
    private long _sent;

    public void Add(int bytes, string fileName)
    {
        _sent += bytes;
        progress?.Report(new UploadProgress(_sent, fileName));
    }
}
