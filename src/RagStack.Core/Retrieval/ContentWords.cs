using System.Text.RegularExpressions;

namespace RagStack.Retrieval;

/// <summary>
/// The content words of a text as cheap stems (lower case, stop words left out, cut to their first six letters), and the
/// share of one text's words that another holds: the lexical evidence adaptive fusion weighs, and the question/passage
/// word overlap evaluations report.
/// </summary>
public static partial class ContentWords
{
    private const int StemLength = 6;

    private static readonly HashSet<string> StopWords = new(
        [
            "a", "about", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "each", "for", "from", "get", "how",
            "i", "if", "in", "into", "is", "it", "its", "many", "may", "me", "much", "my", "not", "of", "on", "one", "or", "our",
            "per", "should", "so", "than", "that", "the", "their", "them", "there", "they", "this", "to", "was", "we", "what",
            "when", "where", "which", "who", "why", "will", "with", "would", "you", "your",
        ],
        StringComparer.Ordinal);

    /// <summary>The distinct content-word stems of <paramref name="text"/>.</summary>
    public static HashSet<string> Stems(string text) => [.. Words(text).Select(Stem)];

    /// <summary>The content words of <paramref name="text"/> in order, lower case, as written (not stemmed).</summary>
    public static IReadOnlyList<string> Words(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        foreach (var match in Word().EnumerateMatches(text))
        {
            var word = text.AsSpan(match.Index, match.Length).ToString().ToLowerInvariant();
            if (!StopWords.Contains(word))
            {
                words.Add(word);
            }
        }

        return words;
    }

    /// <summary>The cheap stem of a lower-case word: its first six letters.</summary>
    public static string Stem(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        return word.Length > StemLength ? word[..StemLength] : word;
    }

    /// <summary>The share of <paramref name="query"/>'s content words found in <paramref name="text"/>; 1 when the query has none.</summary>
    public static double Overlap(string query, string text)
    {
        var words = Stems(query);
        if (words.Count == 0)
        {
            return 1;
        }

        var found = Stems(text);
        return (double)words.Count(found.Contains) / words.Count;
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Word();
}
