using System.Text;
using UtfUnknown;

namespace RagStack.Ingestion.Extraction;

/// <summary>
/// Tells text from binary data and turns bytes of unknown encoding into a string: a byte-order mark wins, then valid
/// UTF-8, then BOM-less UTF-16 by its zero bytes, then a declared charset, then a statistical guess.
/// </summary>
internal static class TextDecoding
{
    // Past this share of control bytes the data is binary: compressed or encrypted bytes have about 1 in 8.
    private const double MaxControlRatio = 0.05;

    /// <summary>True when the first bytes of a document read as text in some encoding.</summary>
    public static bool LooksLikeText(ReadOnlySpan<byte> head)
    {
        if (head.IsEmpty)
        {
            return false;
        }

        var encoding = DetectBom(head, out var bomLength) ?? DetectUtf16WithoutBom(head);
        if (encoding is not null && encoding.CodePage != Encoding.UTF8.CodePage)
        {
            var body = head[bomLength..];
            var unit = encoding is UTF32Encoding ? 4 : 2;
            body = body[..(body.Length - (body.Length % unit))];
            return ControlRatio(encoding.GetString(body)) <= MaxControlRatio;
        }

        var bytes = head[bomLength..];
        if (bytes.Contains((byte)0))
        {
            return false;
        }

        var control = 0;
        foreach (var b in bytes)
        {
            if (IsControl((char)b))
            {
                control++;
            }
        }

        return bytes.IsEmpty || (double)control / bytes.Length <= MaxControlRatio;
    }

    /// <summary>Decodes a whole document; <paramref name="declaredCharset"/> (e.g. from an HTML meta tag) is used before guessing.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes, string? declaredCharset = null)
    {
        var encoding = DetectBom(bytes, out var bomLength);
        if (encoding is null && IsValidUtf8(bytes))
        {
            encoding = Encoding.UTF8;
        }

        encoding ??= DetectUtf16WithoutBom(bytes) ?? FromName(declaredCharset) ?? Guess(bytes);
        var text = encoding.GetString(bytes[bomLength..]);
        return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
    }

    /// <summary>The first characters of a document, for sniffing; tolerant of a multi-byte character cut at the end.</summary>
    public static string DecodeHead(ReadOnlySpan<byte> head)
    {
        var encoding = DetectBom(head, out var bomLength) ?? DetectUtf16WithoutBom(head) ?? Encoding.UTF8;
        return encoding.GetString(head[bomLength..]);
    }

    private static Encoding? DetectBom(ReadOnlySpan<byte> bytes, out int length)
    {
        (Encoding? encoding, length) = bytes switch
        {
            [0xEF, 0xBB, 0xBF, ..] => (Encoding.UTF8, 3),
            [0xFF, 0xFE, 0x00, 0x00, ..] => (new UTF32Encoding(bigEndian: false, byteOrderMark: false), 4),
            [0x00, 0x00, 0xFE, 0xFF, ..] => (new UTF32Encoding(bigEndian: true, byteOrderMark: false), 4),
            [0xFF, 0xFE, ..] => (Encoding.Unicode, 2),
            [0xFE, 0xFF, ..] => (Encoding.BigEndianUnicode, 2),
            _ => ((Encoding?)null, 0),
        };
        return encoding;
    }

    // ASCII text saved as UTF-16 without a BOM has a zero byte in every other position and almost none elsewhere.
    private static Encoding? DetectUtf16WithoutBom(ReadOnlySpan<byte> bytes)
    {
        var pairs = Math.Min(bytes.Length, 4096) / 2;
        if (pairs < 2)
        {
            return null;
        }

        int evenZeros = 0, oddZeros = 0;
        for (var i = 0; i < pairs * 2; i += 2)
        {
            evenZeros += bytes[i] == 0 ? 1 : 0;
            oddZeros += bytes[i + 1] == 0 ? 1 : 0;
        }

        if (oddZeros > pairs * 0.6 && evenZeros < pairs * 0.05)
        {
            return Encoding.Unicode;
        }

        return evenZeros > pairs * 0.6 && oddZeros < pairs * 0.05 ? Encoding.BigEndianUnicode : null;
    }

    private static bool IsValidUtf8(ReadOnlySpan<byte> bytes) => System.Text.Unicode.Utf8.IsValid(bytes);

    private static Encoding? FromName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        try
        {
            return CodePagesEncodingProvider.Instance.GetEncoding(name.Trim()) ?? Encoding.GetEncoding(name.Trim());
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static Encoding Guess(ReadOnlySpan<byte> bytes)
    {
        var sample = bytes.Length > 256 * 1024 ? bytes[..(256 * 1024)] : bytes;
        var detected = CharsetDetector.DetectFromBytes(sample).Detected;
        // The detector names encodings .NET may only know through the code-pages provider; Latin-1 decodes any byte.
        return detected?.Encoding ?? FromName(detected?.EncodingName) ?? Encoding.Latin1;
    }

    private static double ControlRatio(string text)
    {
        if (text.Length == 0)
        {
            return 0;
        }

        var control = 0;
        foreach (var c in text)
        {
            if (c == '\0' || IsControl(c))
            {
                control++;
            }
        }

        return (double)control / text.Length;
    }

    private static bool IsControl(char c) => (c < 0x20 && c is not ('\t' or '\n' or '\r' or '\f')) || c == 0x7F;
}
