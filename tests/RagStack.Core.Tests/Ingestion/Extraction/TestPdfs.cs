using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace RagStack.Core.Tests.Ingestion.Extraction;

/// <summary>PDFs written on the spot, so every PDF code path is tested without the shared real-world files.</summary>
internal static class TestPdfs
{
    /// <summary>One page per entry; each page holds its lines top-down in Helvetica 12.</summary>
    public static byte[] Pages(params string[][] pages)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        foreach (var lines in pages)
        {
            var page = builder.AddPage(PageSize.A4);
            var y = 780.0;
            foreach (var line in lines)
            {
                page.AddText(line, 12, new PdfPoint(60, y), font);
                y -= 15;
            }
        }

        return builder.Build();
    }

    /// <summary>A page whose left column and right column each hold a paragraph of eight lines, side by side.</summary>
    public static byte[] TwoColumns(IReadOnlyList<string> left, IReadOnlyList<string> right)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        var page = builder.AddPage(PageSize.A4);
        for (var i = 0; i < Math.Max(left.Count, right.Count); i++)
        {
            var y = 760.0 - (i * 14);
            if (i < left.Count)
            {
                page.AddText(left[i], 10, new PdfPoint(50, y), font);
            }

            if (i < right.Count)
            {
                page.AddText(right[i], 10, new PdfPoint(320, y), font);
            }
        }

        return builder.Build();
    }

    public static byte[] BlankPage()
    {
        var builder = new PdfDocumentBuilder();
        builder.AddPage(PageSize.A4);
        return builder.Build();
    }

    /// <summary>
    /// A one-page PDF encrypted with the standard security handler (revision 2, 40-bit RC4), which PdfPig can read but
    /// not write. Its text is visible only with <paramref name="userPassword"/>.
    /// </summary>
    public static byte[] Encrypted(string text, string userPassword)
    {
        byte[] padding =
        [
            0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
            0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A,
        ];
        byte[] Pad(string password) => [.. Encoding.Latin1.GetBytes(password).Take(32), .. padding.Take(32 - Math.Min(32, password.Length))];
        var id = MD5.HashData(Encoding.ASCII.GetBytes(text));
        const int permissions = -4;

        var ownerKey = MD5.HashData(Pad("owner-" + userPassword))[..5];
        var owner = Rc4(ownerKey, Pad(userPassword));
        var key = MD5.HashData([.. Pad(userPassword), .. owner, .. BitConverter.GetBytes(permissions), .. id])[..5];
        var user = Rc4(key, padding);

        byte[] ObjectKey(int number) => MD5.HashData([.. key, (byte)number, (byte)(number >> 8), (byte)(number >> 16), 0, 0])[..10];
        var content = Encoding.ASCII.GetBytes($"BT /F1 12 Tf 72 720 Td ({text}) Tj ET");
        var encryptedContent = Rc4(ObjectKey(4), content);

        var pdf = new MemoryStream();
        var offsets = new List<long>();
        void Write(string s) => pdf.Write(Encoding.Latin1.GetBytes(s));
        void Object(string body)
        {
            offsets.Add(pdf.Position);
            Write($"{offsets.Count} 0 obj\n{body}\nendobj\n");
        }

        Write("%PDF-1.4\n");
        Object("<< /Type /Catalog /Pages 2 0 R >>");
        Object("<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
        Object("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>");
        offsets.Add(pdf.Position);
        Write($"4 0 obj\n<< /Length {encryptedContent.Length} >>\nstream\n");
        pdf.Write(encryptedContent);
        Write("\nendstream\nendobj\n");
        Object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
        Object($"<< /Filter /Standard /V 1 /R 2 /O <{Convert.ToHexString(owner)}> /U <{Convert.ToHexString(user)}> /P {permissions} >>");
        var xref = pdf.Position;
        Write($"xref\n0 {offsets.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            Write(offset.ToString("D10", CultureInfo.InvariantCulture) + " 00000 n \n");
        }

        var hexId = Convert.ToHexString(id);
        Write($"trailer\n<< /Size {offsets.Count + 1} /Root 1 0 R /Encrypt 6 0 R /ID [<{hexId}> <{hexId}>] >>\nstartxref\n{xref}\n%%EOF\n");
        return pdf.ToArray();
    }

    private static byte[] Rc4(byte[] key, byte[] data)
    {
        var s = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        for (int i = 0, j = 0; i < 256; i++)
        {
            j = (j + s[i] + key[i % key.Length]) & 0xFF;
            (s[i], s[j]) = (s[j], s[i]);
        }

        var output = new byte[data.Length];
        for (int n = 0, i = 0, j = 0; n < data.Length; n++)
        {
            i = (i + 1) & 0xFF;
            j = (j + s[i]) & 0xFF;
            (s[i], s[j]) = (s[j], s[i]);
            output[n] = (byte)(data[n] ^ s[(s[i] + s[j]) & 0xFF]);
        }

        return output;
    }
}
