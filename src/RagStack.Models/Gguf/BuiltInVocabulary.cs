namespace RagStack.Models.Gguf;

/// <summary>A small SentencePiece ("llama") vocabulary: the special tokens, all 256 byte tokens so that any text tokenizes
/// by byte fallback, single characters, and common English words built up prefix by prefix so llama.cpp's merges reach them.</summary>
internal sealed record BuiltInVocabulary(string[] Tokens, float[] Scores, int[] TokenTypes)
{
    public const uint Unknown = 0;
    public const uint Bos = 1;
    public const uint Eos = 2;

    // llama.cpp's token attribute numbers (LLAMA_TOKEN_TYPE_*).
    private const int Normal = 1;
    private const int UnknownType = 2;
    private const int Control = 3;
    private const int ByteType = 6;

    private const string Space = "\u2581"; // SentencePiece's visible space

    private static readonly string[] Words =
    [
        "the", "of", "and", "to", "a", "in", "is", "it", "you", "that", "he", "was", "for", "on", "are", "with", "as", "his",
        "they", "be", "at", "one", "have", "this", "from", "or", "had", "by", "not", "word", "but", "what", "some", "we", "can",
        "out", "other", "were", "all", "there", "when", "up", "use", "your", "how", "said", "an", "each", "she", "which", "do",
        "their", "time", "if", "will", "way", "about", "many", "then", "them", "write", "would", "like", "so", "these", "her",
        "long", "make", "thing", "see", "him", "two", "has", "look", "more", "day", "could", "go", "come", "did", "number",
        "sound", "no", "most", "people", "my", "over", "know", "water", "than", "call", "first", "who", "may", "down", "side",
        "been", "now", "find", "any", "new", "work", "part", "take", "get", "place", "made", "live", "where", "after", "back",
        "little", "only", "round", "man", "year", "came", "show", "every", "good", "me", "give", "our", "under", "name", "very",
        "through", "just", "form", "much", "great", "think", "say", "help", "low", "line", "before", "turn", "cause", "same",
        "mean", "differ", "move", "right", "boy", "old", "too", "does", "tell", "sentence", "set", "three", "want", "air",
        "well", "also", "play", "small", "end", "put", "home", "read", "hand", "large", "add", "even", "land", "here", "must",
        "big", "high", "such", "follow", "act", "why", "ask", "men", "change", "went", "light", "kind", "off", "need", "house",
        "picture", "try", "us", "again", "animal", "point", "mother", "world", "near", "build", "self", "earth", "father",
        "model", "question", "answer", "document", "search", "once", "upon", "story", "happy", "day", "Once", "The", "I", "It",
        "Hello", "hello",
    ];

    /// <summary>The vocabulary, with <paramref name="controlTokens"/> (e.g. ChatML's markers) added as control tokens at its end.</summary>
    public static BuiltInVocabulary Create(IReadOnlyList<string>? controlTokens = null)
    {
        var tokens = new List<string> { "<unk>", "<s>", "</s>" };
        var types = new List<int> { UnknownType, Control, Control };
        for (var b = 0; b < 256; b++)
        {
            tokens.Add($"<0x{b:X2}>");
            types.Add(ByteType);
        }

        // Pieces are listed most useful first; SentencePiece scores fall with the id, and llama.cpp merges higher scores first.
        var pieces = new List<string> { Space };
        pieces.AddRange(Enumerable.Range('a', 26).Select(c => ((char)c).ToString()));
        pieces.AddRange(Enumerable.Range('A', 26).Select(c => ((char)c).ToString()));
        pieces.AddRange(Enumerable.Range('0', 10).Select(c => ((char)c).ToString()));
        pieces.AddRange(".,;:!?'\"-()[]{}/\\@#$%&*+=<>_~`|^".Select(c => c.ToString()));

        // Every multi-character piece starts with the space marker, and all its prefixes are pieces too, so there is exactly
        // one merge path to each word and llama.cpp's bigram merging always reaches it.
        foreach (var word in Words)
        {
            for (var length = 2; length <= word.Length + 1; length++)
            {
                pieces.Add((Space + word)[..length]);
            }
        }

        var seen = new HashSet<string>(tokens, StringComparer.Ordinal);
        var scores = new List<float>(Enumerable.Repeat(0f, tokens.Count));
        foreach (var piece in pieces)
        {
            if (seen.Add(piece))
            {
                tokens.Add(piece);
                types.Add(Normal);
                scores.Add(-scores.Count);
            }
        }

        foreach (var control in controlTokens ?? [])
        {
            if (seen.Add(control))
            {
                tokens.Add(control);
                types.Add(Control);
                scores.Add(0);
            }
        }

        return new BuiltInVocabulary([.. tokens], [.. scores], [.. types]);
    }
}
