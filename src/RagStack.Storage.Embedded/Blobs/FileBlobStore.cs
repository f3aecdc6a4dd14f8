using System.Security.Cryptography;
using RagStack.Documents;

namespace RagStack.Storage.Embedded.Blobs;

/// <summary>
/// Original bytes under <c>blobs/ab/cdef…</c>, keyed by their SHA-256. A blob is written to <c>blobs/tmp/</c>, flushed,
/// then renamed into place, so a reader never sees half a blob and a crash leaves at most a temp file.
/// </summary>
internal sealed class FileBlobStore : IBlobStore
{
    private readonly string _root;
    private readonly string _temp;

    public FileBlobStore(string root)
    {
        _root = root;
        _temp = Path.Combine(root, "tmp");
        Directory.CreateDirectory(_temp);
        // Leftovers of writes a crash interrupted; one process owns the data folder (Lucene's write lock ensures it).
        foreach (var stale in Directory.EnumerateFiles(_temp))
        {
            File.Delete(stale);
        }
    }

    public async Task<string> PutAsync(Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var tempPath = Path.Combine(_temp, Guid.NewGuid().ToString("N"));
        try
        {
            string hash;
            await using (var file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    sha.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }

                hash = Convert.ToHexStringLower(sha.GetHashAndReset());
                file.Flush(flushToDisk: true);
            }

            var target = PathOf(hash);
            if (!File.Exists(target))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                try
                {
                    File.Move(tempPath, target, overwrite: false);
                }
                catch (IOException) when (File.Exists(target))
                {
                    // Another writer stored the same bytes first; theirs is identical.
                }
            }

            return hash;
        }
        finally
        {
            File.Delete(tempPath);
        }
    }

    public Stream? OpenRead(string sha256)
    {
        var path = PathOf(sha256);
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public bool Exists(string sha256) => File.Exists(PathOf(sha256));

    public bool Delete(string sha256)
    {
        var path = PathOf(sha256);
        if (!File.Exists(path))
        {
            return false;
        }

        File.Delete(path);
        return true;
    }

    /// <summary>The blob's path; the key is checked first, so no key can name a path outside the blob folder.</summary>
    private string PathOf(string sha256)
    {
        ArgumentNullException.ThrowIfNull(sha256);
        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException($"'{sha256}' is not a SHA-256 key: expected 64 lower-case hex digits.", nameof(sha256));
        }

        return Path.Combine(_root, sha256[..2], sha256[2..]);
    }
}
