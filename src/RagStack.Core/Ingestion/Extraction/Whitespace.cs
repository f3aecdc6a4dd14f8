using System.Text;

namespace RagStack.Ingestion.Extraction;

/// <summary>Whitespace rules shared by the extractors, so the same text reads the same whatever format it came in.</summary>
internal static class Whitespace
{
    /// <summary>Collapses every run of whitespace (non-breaking spaces and line breaks included) into one space and trims.</summary>
    public static string Collapse(string text)
    {
        var result = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || c == '\u200B')
            {
                pendingSpace = result.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                result.Append(' ');
                pendingSpace = false;
            }

            result.Append(c);
        }

        return result.ToString();
    }
}
