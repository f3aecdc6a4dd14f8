using System.Text.RegularExpressions;

namespace RagStack.Ingestion.Partitioning;

/// <summary>
/// Where sentences end: after . ! ? (and their CJK forms), closing quotes and brackets, and the space that follows. For
/// cutting an over-long paragraph, a clause end (; :) counts too; for quoting a sentence it does not.
/// </summary>
internal static partial class Sentences
{
    /// <summary>The offsets just past each sentence (or clause) end's trailing space, in order; the text's end is not included.</summary>
    public static List<int> Boundaries(string text, bool clauses = true)
    {
        var boundaries = new List<int>();
        foreach (var match in (clauses ? ClauseEnd() : SentenceEnd()).EnumerateMatches(text))
        {
            boundaries.Add(match.Index + match.Length);
        }

        return boundaries;
    }

    /// <summary>The sentences of <paramref name="text"/> as spans without surrounding white space; a line break also ends one.</summary>
    public static IEnumerable<(int Start, int Length)> Spans(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lineStart = 0;
        while (lineStart < text.Length)
        {
            var lineEnd = text.IndexOf('\n', lineStart);
            lineEnd = lineEnd < 0 ? text.Length : lineEnd;
            var line = text[lineStart..lineEnd];
            var start = 0;
            foreach (var end in Boundaries(line, clauses: false).Append(line.Length))
            {
                var from = start;
                var to = end;
                while (from < to && char.IsWhiteSpace(line[from]))
                {
                    from++;
                }

                while (to > from && char.IsWhiteSpace(line[to - 1]))
                {
                    to--;
                }

                if (to > from)
                {
                    yield return (lineStart + from, to - from);
                }

                start = end;
            }

            lineStart = lineEnd + 1;
        }
    }

    [GeneratedRegex(@"(?<=[.!?;:。！？])[""'”’)\]]*\s+")]
    private static partial Regex ClauseEnd();

    [GeneratedRegex(@"(?<=[.!?。！？])[""'”’)\]]*\s+")]
    private static partial Regex SentenceEnd();
}
