using System.Buffers;
using System.Globalization;
using System.Text;

namespace RagStack.Onnx;

/// <summary>
/// BERT's uncased tokenizer: the basic pass (drop control characters, split on whitespace, put every CJK ideograph on its own,
/// lower-case, strip accents, split off each punctuation mark) and then greedy longest-match WordPiece with <c>##</c>
/// continuations. A word with a piece missing from the vocabulary, or longer than 100 characters, becomes one [UNK].
/// Special-token names in the text (<c>[CLS]</c>) are read as plain text, so input cannot smuggle in control tokens.
/// </summary>
internal sealed class WordPieceTokenizer
{
    private const int MaxCharsPerWord = 100;
    private const string ContinuationMark = "##";

    private readonly string[] _tokens;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _wordStarts;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _continuations;
    private readonly int _longestWordStart;
    private readonly int _longestContinuation;

    private WordPieceTokenizer(string[] tokens)
    {
        _tokens = tokens;
        var wordStarts = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        var continuations = new Dictionary<string, int>(tokens.Length / 4, StringComparer.Ordinal);
        for (var id = 0; id < tokens.Length; id++)
        {
            var token = tokens[id];
            if (token.Length > ContinuationMark.Length && token.StartsWith(ContinuationMark, StringComparison.Ordinal))
            {
                var piece = token[ContinuationMark.Length..];
                continuations[piece] = id;
                _longestContinuation = Math.Max(_longestContinuation, piece.Length);
            }
            else
            {
                wordStarts[token] = id;
                _longestWordStart = Math.Max(_longestWordStart, token.Length);
            }
        }

        _wordStarts = wordStarts.GetAlternateLookup<ReadOnlySpan<char>>();
        _continuations = continuations.GetAlternateLookup<ReadOnlySpan<char>>();
        ClsId = SpecialId(wordStarts, "[CLS]");
        SepId = SpecialId(wordStarts, "[SEP]");
        PadId = SpecialId(wordStarts, "[PAD]");
        UnknownId = SpecialId(wordStarts, "[UNK]");
    }

    public int ClsId { get; }

    public int SepId { get; }

    public int PadId { get; }

    public int UnknownId { get; }

    /// <summary>Reads a vocabulary with one token a line; a token's id is its line number from 0.</summary>
    public static WordPieceTokenizer Load(TextReader vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        var tokens = new List<string>(32_000);
        while (vocabulary.ReadLine() is { } line)
        {
            tokens.Add(line);
        }

        // A trailing newline must not add an empty token (reference tokenizers strip it too).
        while (tokens.Count > 0 && tokens[^1].Length == 0)
        {
            tokens.RemoveAt(tokens.Count - 1);
        }

        return new WordPieceTokenizer([.. tokens]);
    }

    /// <summary>The vocabulary ids of <paramref name="text"/>, special tokens excluded.</summary>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 4 + 4);
        Tokenize(text, ids);
        return [.. ids];
    }

    /// <summary>How many tokens <paramref name="text"/> becomes, special tokens excluded.</summary>
    public int CountTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Tokenize(text, null);
    }

    /// <summary>The token text of each id, for reading and testing.</summary>
    public IReadOnlyList<string> Decode(IEnumerable<int> ids) => ids.Select(id => _tokens[id]).ToList();

    /// <summary>Tokenizes <paramref name="text"/>, appending ids when <paramref name="ids"/> is given; returns the count.</summary>
    private int Tokenize(ReadOnlySpan<char> text, List<int>? ids)
    {
        var rented = ArrayPool<char>.Shared.Rent(Math.Max(text.Length, 2));
        try
        {
            var word = rented.AsSpan();
            var length = 0;
            var ascii = true;
            var count = 0;
            foreach (var rune in text.EnumerateRunes())
            {
                if (IsWhitespace(rune))
                {
                    count += TokenizeWord(word[..length], ascii, ids);
                    length = 0;
                    ascii = true;
                }
                else if (rune.Value is 0 or 0xFFFD || IsControl(rune))
                {
                    // Dropped, as the reference cleans text before splitting it: the letters on both sides join.
                }
                else if (IsCjkIdeograph(rune))
                {
                    count += TokenizeWord(word[..length], ascii, ids);
                    length = rune.EncodeToUtf16(word);
                    count += TokenizeWord(word[..length], ascii: false, ids);
                    length = 0;
                    ascii = true;
                }
                else
                {
                    length += rune.EncodeToUtf16(word[length..]);
                    ascii &= rune.IsAscii;
                }
            }

            return count + TokenizeWord(word[..length], ascii, ids);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <summary>Lower-cases and strips accents of one whitespace-delimited word, then splits off its punctuation.</summary>
    private int TokenizeWord(Span<char> raw, bool ascii, List<int>? ids)
    {
        if (raw.IsEmpty)
        {
            return 0;
        }

        ReadOnlySpan<char> word;
        if (ascii)
        {
            for (var i = 0; i < raw.Length; i++)
            {
                raw[i] = char.ToLowerInvariant(raw[i]);
            }

            word = raw;
        }
        else
        {
            word = StripAccents(raw.ToString().ToLowerInvariant());
        }

        var count = 0;
        var start = 0;
        var index = 0;
        while (index < word.Length)
        {
            Rune.DecodeFromUtf16(word[index..], out var rune, out var consumed);
            if (IsPunctuation(rune))
            {
                count += WordPieces(word[start..index], ids);
                count += WordPieces(word.Slice(index, consumed), ids);
                start = index + consumed;
            }

            index += consumed;
        }

        return count + WordPieces(word[start..], ids);
    }

    /// <summary>Greedy longest-match-first WordPiece of one punctuation-free word.</summary>
    private int WordPieces(ReadOnlySpan<char> word, List<int>? ids)
    {
        if (word.IsEmpty)
        {
            return 0;
        }

        if (CodePoints(word) > MaxCharsPerWord)
        {
            ids?.Add(UnknownId);
            return 1;
        }

        var firstPiece = ids?.Count ?? 0;
        var pieces = 0;
        var start = 0;
        while (start < word.Length)
        {
            var vocabulary = start == 0 ? _wordStarts : _continuations;
            var end = Math.Min(word.Length, start + (start == 0 ? _longestWordStart : _longestContinuation));
            var id = -1;
            while (end > start && !vocabulary.TryGetValue(word[start..end], out id))
            {
                end--;
            }

            if (end == start)
            {
                ids?.RemoveRange(firstPiece, pieces);
                ids?.Add(UnknownId);
                return 1;
            }

            ids?.Add(id);
            pieces++;
            start = end;
        }

        return pieces;
    }

    private static string StripAccents(string lowered)
    {
        var decomposed = lowered.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var rune in decomposed.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) != UnicodeCategory.NonSpacingMark)
            {
                builder.Append(rune);
            }
        }

        return builder.ToString();
    }

    private static int CodePoints(ReadOnlySpan<char> text)
    {
        var count = text.Length;
        foreach (var c in text)
        {
            if (char.IsLowSurrogate(c))
            {
                count--;
            }
        }

        return count;
    }

    private static bool IsWhitespace(Rune rune) =>
        rune.Value is ' ' or '\t' or '\n' or '\r'
        || Rune.GetUnicodeCategory(rune) is UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    private static bool IsControl(Rune rune) => Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format;

    // BERT counts every non-alphanumeric printable ASCII character as punctuation ("$", "+", "^" too), and Unicode's P* classes.
    private static bool IsPunctuation(Rune rune) =>
        rune.Value is (>= 33 and <= 47) or (>= 58 and <= 64) or (>= 91 and <= 96) or (>= 123 and <= 126)
        || Rune.GetUnicodeCategory(rune) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;

    // The CJK Unified Ideographs blocks BERT splits character by character (Hangul and kana are written with spaces).
    private static bool IsCjkIdeograph(Rune rune) => rune.Value is
        (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF) or (>= 0x2A700 and <= 0x2B73F)
        or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B820 and <= 0x2CEAF) or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);

    private static int SpecialId(Dictionary<string, int> vocabulary, string token) =>
        vocabulary.TryGetValue(token, out var id) ? id : throw new InvalidDataException($"The vocabulary has no {token} token.");
}
