using RagStack.Input;

namespace RagStack.Api.Documents;

/// <summary>
/// What an uploaded file may be called: plain, visible names only, so a name can never reach outside its place
/// (<c>../../etc/passwd</c>), smuggle control characters into logs and listings, or disguise itself with invisible and
/// bidirectional characters (<c>invoice\u202Egpj.md</c> shows as <c>invoicedm.jpg</c>). Index names follow <see cref="RagStack.Documents.IndexName"/>.
/// </summary>
internal static class UploadNames
{
    private const int MaxLength = 255;

    /// <summary>Why <paramref name="name"/> is not acceptable as a file name, or null when it is.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "a file part has no file name; send each file with a filename in its Content-Disposition";
        }

        if (UntrustedText.IndexOfInvisible(name) is var at and >= 0)
        {
            return $"{Show(name)}: the file name contains control characters or invisible or direction-changing characters (U+{(int)name[at]:X4} at position {at + 1}) that could disguise it; rename the file";
        }

        if (name.IndexOfAny(['/', '\\']) >= 0)
        {
            return $"{Show(name)}: the file name contains a folder ('/' or '\\'); send the file under its plain name";
        }

        if (name.Trim() is "." or "..")
        {
            return $"{Show(name)}: not a file name";
        }

        return name.Length > MaxLength ? $"{UntrustedText.Quote(name, 40)}: the file name is longer than {MaxLength} characters" : null;
    }

    /// <summary>The name quoted, with invisible characters shown as escapes, safe to put in a message.</summary>
    public static string Show(string name) => UntrustedText.Quote(name, MaxLength);
}
