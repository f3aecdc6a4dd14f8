namespace RagStack.Ingestion.Extraction;

/// <summary>
/// Names common binary formats by their magic bytes, so a refused file says what it is ("unsupported format (PNG image)")
/// instead of only what it is not.
/// </summary>
internal static class BinarySignatures
{
    private static readonly (byte[] Magic, string Name)[] Known =
    [
        ([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], "PNG image"),
        ([0xFF, 0xD8, 0xFF], "JPEG image"),
        ("GIF87a"u8.ToArray(), "GIF image"),
        ("GIF89a"u8.ToArray(), "GIF image"),
        ("BM"u8.ToArray(), "BMP image"),
        ([0x49, 0x49, 0x2A, 0x00], "TIFF image"),
        ([0x4D, 0x4D, 0x00, 0x2A], "TIFF image"),
        ([(byte)'P', (byte)'K', 0x03, 0x04], "ZIP archive"),
        ([(byte)'P', (byte)'K', 0x05, 0x06], "ZIP archive"),
        ([0x1F, 0x8B], "GZIP archive"),
        ("7z"u8.ToArray(), "7-Zip archive"),
        ("Rar!"u8.ToArray(), "RAR archive"),
        ([0x7F, (byte)'E', (byte)'L', (byte)'F'], "ELF executable"),
        ("MZ"u8.ToArray(), "Windows executable"),
        ([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], "legacy or password-protected Office document; save it as .docx"),
        ("{\\rtf"u8.ToArray(), "RTF document"),
        ("ID3"u8.ToArray(), "MP3 audio"),
        ("OggS"u8.ToArray(), "Ogg media"),
        ("fLaC"u8.ToArray(), "FLAC audio"),
        ([0x1A, 0x45, 0xDF, 0xA3], "Matroska/WebM video"),
        ("SQLite format 3"u8.ToArray(), "SQLite database"),
        ([0x00, 0x61, 0x73, 0x6D], "WebAssembly module"),
    ];

    /// <summary>A short name for a known binary format, or null.</summary>
    public static string? Describe(ReadOnlySpan<byte> head)
    {
        foreach (var (magic, name) in Known)
        {
            if (head.StartsWith(magic))
            {
                return name;
            }
        }

        if (head.Length >= 12 && head[..4].SequenceEqual("RIFF"u8))
        {
            return head[8..12].SequenceEqual("WEBP"u8) ? "WebP image" : "RIFF media (WAV/AVI)";
        }

        return head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8) ? "MP4/QuickTime media" : null;
    }
}
