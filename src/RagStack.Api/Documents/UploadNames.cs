using System.Globalization;
using System.Text;

namespace RagStack.Api.Documents;

/// <summary>
/// What an uploaded file may be called and what an index may be called: plain names only, so a name can never reach
/// outside its place (<c>../../etc/passwd</c>) or smuggle control characters into logs and listings.
/// </summary>
internal static class UploadNames
{
    private const int MaxLength = 255;
    private const int MaxIndexLength = 64;

    /// <summary>Why <paramref name="name"/> is not acceptable as a file name, or null when it is.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "a file part has no file name; send each file with a filename in its Content-Disposition";
        }

        if (name.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029'))
        {
            return $"{Show(name)}: the file name contains control characters; rename the file";
        }

        if (name.IndexOfAny(['/', '\\']) >= 0)
        {
            return $"{Show(name)}: the file name contains a folder ('/' or '\\'); send the file under its plain name";
        }

        if (name.Trim() is "." or "..")
        {
            return $"{Show(name)}: not a file name";
        }

        return name.Length > MaxLength ? $"{Show(name[..40])}…: the file name is longer than {MaxLength} characters" : null;
    }

    /// <summary>Why <paramref name="index"/> is not acceptable as an index name, or null when it is.</summary>
    public static string? IndexProblem(string index) =>
        index.Length is 0 or > MaxIndexLength || !char.IsAsciiLetterOrDigit(index[0]) || !index.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? $"{Show(index)}: an index name is 1 to {MaxIndexLength} letters, digits, '-', '_' or '.', starting with a letter or digit"
            : null;

    /// <summary>The name quoted, with control characters shown as escapes, safe to put in a message.</summary>
    public static string Show(string name)
    {
        var shown = new StringBuilder(name.Length + 2).Append('"');
        foreach (var c in name)
        {
            if (char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                shown.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                shown.Append(c);
            }
        }

        return shown.Append('"').ToString();
    }
}
