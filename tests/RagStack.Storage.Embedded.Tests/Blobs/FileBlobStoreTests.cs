using System.Security.Cryptography;
using System.Text;
using RagStack.Storage.Embedded.Blobs;

namespace RagStack.Storage.Embedded.Tests.Blobs;

public sealed class FileBlobStoreTests : IDisposable
{
    private readonly TemporaryFolder _folder = new("ragstack-store-tests-");
    private readonly FileBlobStore _blobs;

    public FileBlobStoreTests() => _blobs = new FileBlobStore(_folder.Path("blobs"));

    public void Dispose() => _folder.Dispose();

    private static MemoryStream Bytes(string text) => new(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task Put_returns_the_lower_case_sha256_and_stores_under_a_two_character_folder()
    {
        var hash = await _blobs.PutAsync(Bytes("hello"));

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("hello"))), hash);
        Assert.True(File.Exists(Path.Combine(_folder.Path("blobs"), hash[..2], hash[2..])));
    }

    [Fact]
    public async Task Storing_the_same_bytes_twice_writes_one_blob()
    {
        var first = await _blobs.PutAsync(Bytes("same bytes"));
        var written = File.GetLastWriteTimeUtc(Path.Combine(_folder.Path("blobs"), first[..2], first[2..]));

        var second = await _blobs.PutAsync(Bytes("same bytes"));

        Assert.Equal(first, second);
        Assert.Single(Directory.EnumerateFiles(_folder.Path("blobs"), "*", SearchOption.AllDirectories));
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(_folder.Path("blobs"), first[..2], first[2..])));
    }

    [Fact]
    public async Task Stored_bytes_read_back_unchanged()
    {
        var data = RandomNumberGenerator.GetBytes(300_000);
        var hash = await _blobs.PutAsync(new MemoryStream(data));

        await using var read = _blobs.OpenRead(hash);
        using var copy = new MemoryStream();
        await read!.CopyToAsync(copy);

        Assert.Equal(data, copy.ToArray());
    }

    [Fact]
    public async Task A_failed_write_leaves_no_blob_and_no_temp_file()
    {
        using var cancel = new CancellationTokenSource();
        var failing = new FailingStream(afterBytes: 100_000);

        await Assert.ThrowsAsync<IOException>(() => _blobs.PutAsync(failing, cancel.Token));

        Assert.Empty(Directory.EnumerateFiles(_folder.Path("blobs"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_temp_file_left_by_a_crash_is_never_visible_and_is_cleaned_on_open()
    {
        var temp = Path.Combine(_folder.Path("blobs"), "tmp", "interrupted");
        File.WriteAllText(temp, "half a blo");

        var reopened = new FileBlobStore(_folder.Path("blobs"));

        Assert.False(File.Exists(temp));
        Assert.False(reopened.Exists(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("half a blo")))));
    }

    [Fact]
    public async Task Delete_removes_the_blob_and_reports_whether_it_existed()
    {
        var hash = await _blobs.PutAsync(Bytes("bye"));

        Assert.True(_blobs.Delete(hash));
        Assert.False(_blobs.Exists(hash));
        Assert.Null(_blobs.OpenRead(hash));
        Assert.False(_blobs.Delete(hash));
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("ABCDEF")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF")]
    public void A_key_that_is_not_a_sha256_is_rejected(string key)
    {
        Assert.Throws<ArgumentException>(() => _blobs.Exists(key));
        Assert.Throws<ArgumentException>(() => _blobs.OpenRead(key));
    }

    /// <summary>A stream that fails part-way, like a dropped upload.</summary>
    private sealed class FailingStream(int afterBytes) : Stream
    {
        private int _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_read >= afterBytes)
            {
                throw new IOException("The connection dropped.");
            }

            var n = Math.Min(count, afterBytes - _read);
            Array.Fill(buffer, (byte)7, offset, n);
            _read += n;
            return n;
        }
    }
}
