namespace RagStack.Api.Documents;

/// <summary>
/// One uploaded file's bytes as the blob store reads them: the head already read for sniffing, then the rest of the
/// multipart section, counted, and refused past the size limit without reading further.
/// </summary>
internal sealed class UploadStream(ReadOnlyMemory<byte> head, Stream rest, long limit) : Stream
{
    private int _headRead;

    /// <summary>Bytes read so far.</summary>
    public long BytesRead { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        if (_headRead < head.Length)
        {
            read = Math.Min(buffer.Length, head.Length - _headRead);
            head.Slice(_headRead, read).CopyTo(buffer);
            _headRead += read;
        }
        else
        {
            read = await rest.ReadAsync(buffer, cancellationToken);
        }

        BytesRead += read;
        if (BytesRead > limit)
        {
            throw new FileTooLargeException(limit);
        }

        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>An uploaded file passed the size limit.</summary>
internal sealed class FileTooLargeException(long limit) : IOException($"larger than the limit of {limit / 1024.0 / 1024.0:0.#} MiB")
{
    public long Limit { get; } = limit;
}
