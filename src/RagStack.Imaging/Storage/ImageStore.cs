using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace RagStack.Imaging;

/// <summary>
/// Generated images kept by content: <c>{sha256}.png</c> in one folder, written once (a second save of the same bytes
/// writes nothing) and atomically (a reader never sees half a file).
/// </summary>
public sealed partial class ImageStore
{
    private readonly Uri? _publicBase;

    /// <summary>Keeps images in <paramref name="directory"/>; with <paramref name="publicBase"/> their URIs are <c>{base}images/{id}.png</c>.</summary>
    public ImageStore(string directory, Uri? publicBase = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
        _publicBase = publicBase;
    }

    /// <summary>The folder the images are in.</summary>
    public string Directory { get; }

    /// <summary>Stores <paramref name="png"/> (if not already there) and returns its id, the SHA-256 of the bytes in hex.</summary>
    public async Task<string> SaveAsync(ReadOnlyMemory<byte> png, CancellationToken cancellationToken = default)
    {
        var id = Convert.ToHexStringLower(SHA256.HashData(png.Span));
        var path = PathOf(id);
        if (File.Exists(path))
        {
            return id;
        }

        System.IO.Directory.CreateDirectory(Directory);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllBytesAsync(temp, png.ToArray(), cancellationToken);
        File.Move(temp, path, overwrite: true);
        return id;
    }

    /// <summary>The bytes of image <paramref name="id"/>, or null when there is none (or the id is not one).</summary>
    public async Task<byte[]?> ReadAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!IsId(id) || !File.Exists(PathOf(id)))
        {
            return null;
        }

        return await File.ReadAllBytesAsync(PathOf(id), cancellationToken);
    }

    /// <summary>The URI a stored image is returned under: the public address when one is configured, else its file.</summary>
    public Uri UriOf(string id) => _publicBase is not null ? new Uri(_publicBase, $"images/{id}.png") : new Uri(PathOf(id));

    /// <summary>The id in a URI this store gave out (its last segment, <c>{id}.png</c>), or null.</summary>
    public static string? IdOf(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var name = Path.GetFileNameWithoutExtension(uri.IsAbsoluteUri ? uri.AbsolutePath : uri.OriginalString);
        return IsId(name) ? name : null;
    }

    /// <summary>Whether <paramref name="id"/> has the form of an image id (64 lower-case hex digits).</summary>
    public static bool IsId(string? id) => id is not null && IdPattern().IsMatch(id);

    private string PathOf(string id) => Path.Combine(Directory, id + ".png");

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex IdPattern();
}
