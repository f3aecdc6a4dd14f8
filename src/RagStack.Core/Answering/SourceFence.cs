using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using RagStack.Retrieval;

namespace RagStack.Answering;

/// <summary>
/// Writes retrieved text into the prompt as numbered, fenced source blocks, and sanitises it so that nothing a document
/// says can close its fence, forge another source, or pass for one of our citations.
/// </summary>
internal static partial class SourceFence
{
    /// <summary>
    /// One source block. The fence lines are the only place "===" can appear in the sources, because
    /// <see cref="Sanitise"/> removes every run of three or more equals signs from retrieved text and metadata.
    /// </summary>
    public static string Block(int number, Citation citation, string text)
    {
        var n = number.ToString(CultureInfo.InvariantCulture);
        var origin = SanitiseLine(citation.ToString());
        return $"=== SOURCE [{n}] {origin} ===\n{Sanitise(text).Trim()}\n=== END OF SOURCE [{n}] ===";
    }

    /// <summary>The blocks of all sources, in order, separated by blank lines.</summary>
    public static string Blocks(IEnumerable<(int Number, Citation Citation, string Text)> sources) =>
        string.Join("\n\n", sources.Select(s => Block(s.Number, s.Citation, s.Text)));

    /// <summary>
    /// Retrieved text made safe to fence: control characters (other than line breaks and tabs) removed; runs of fence
    /// characters shortened so no line can become a marker; the document's own bracketed numbers (a paper's reference
    /// list, "[12]") rewritten as "(12)" so the model cannot copy them as if they were our source numbers.
    /// </summary>
    public static string Sanitise(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c == '\r')
            {
                continue;
            }

            if (!char.IsControl(c) || c is '\n' or '\t')
            {
                builder.Append(c);
            }
        }

        var cleaned = FenceRun().Replace(builder.ToString(), "==");
        return BracketedNumbers().Replace(cleaned, "($1)");
    }

    private static string SanitiseLine(string text) => Sanitise(text).ReplaceLineEndings(" ").Replace('\t', ' ');

    // Fullwidth and box-drawing equals signs too: a model reads them as the same fence.
    [GeneratedRegex("[=\uFF1D\u2550\u2261]{3,}")]
    private static partial Regex FenceRun();

    [GeneratedRegex(@"\[(\s*\d+(?:\s*[,;–-]\s*\d+)*\s*)\]")]
    private static partial Regex BracketedNumbers();
}
