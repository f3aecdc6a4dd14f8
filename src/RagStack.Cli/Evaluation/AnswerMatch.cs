using System.Text.RegularExpressions;
using RagStack.Retrieval;

namespace RagStack.Cli.Evaluation;

/// <summary>
/// How the evaluation checks an extractive answer: the first sentence it shows, and whether that holds the expected answer.
/// </summary>
internal static partial class AnswerMatch
{
    /// <summary>The first sentence of an answer's text: a leading <c>[n]</c> dropped, cut at the first sentence end or citation.</summary>
    public static string FirstSentence(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var body = LeadingCitation().Replace(text.TrimStart(), string.Empty, 1);
        var end = SentenceEnd().Match(body);
        return end.Success ? body[..end.Index] : body;
    }

    /// <summary>
    /// True when <paramref name="sentence"/> holds <paramref name="expected"/> verbatim (case and spacing aside), or at least
    /// half of its key words (numbers, and words of three letters or more); the second rule serves free-text answers.
    /// </summary>
    public static bool Holds(string sentence, string expected)
    {
        ArgumentNullException.ThrowIfNull(sentence);
        ArgumentNullException.ThrowIfNull(expected);
        if (Flat(sentence).Contains(Flat(expected), StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var keys = ContentWords.Stems(expected).Where(w => w.Length >= 3 || w.Any(char.IsDigit)).ToList();
        var words = ContentWords.Stems(sentence);
        return keys.Count > 0 && keys.Count(words.Contains) * 2 >= keys.Count;
    }

    private static string Flat(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    [GeneratedRegex(@"^\[\d+\]\s*")]
    private static partial Regex LeadingCitation();

    [GeneratedRegex(@"(?<=[.!?])[""'”’)\]]*\s+(?=\S)|\s\[\d+\]|\n")]
    private static partial Regex SentenceEnd();
}
