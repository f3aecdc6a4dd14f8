using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace RagStack.Imaging.Diffusion;

/// <summary>
/// CLIP's tokenization over a <c>tokenizer/</c> folder (BPE <c>vocab.json</c> + <c>merges.txt</c>, words ending in
/// <c>&lt;/w&gt;</c>): lower-cased, split by CLIP's pattern, wrapped in start and end tokens and padded to 77.
/// </summary>
internal sealed partial class ClipTokenizer
{
    public const int MaxLength = 77;
    private const string StartToken = "<|startoftext|>";
    private const string EndToken = "<|endoftext|>";
    private readonly BpeTokenizer _bpe;

    private ClipTokenizer(BpeTokenizer bpe, int bos, int eos, int pad)
    {
        _bpe = bpe;
        BeginId = bos;
        EndId = eos;
        PadId = pad;
    }

    public int BeginId { get; }

    public int EndId { get; }

    public int PadId { get; }

    public static ClipTokenizer Load(string folder)
    {
        var vocabPath = Path.Combine(folder, "vocab.json");
        var mergesPath = Path.Combine(folder, "merges.txt");
        BpeTokenizer bpe;
        try
        {
            bpe = BpeTokenizer.Create(new BpeOptions(vocabPath, mergesPath)
            {
                PreTokenizer = new RegexPreTokenizer(ClipPattern(), null),
                Normalizer = LowerCaseNormalizer.Instance,
                EndOfWordSuffix = "</w>",
            });
        }
        catch (Exception e) when (e is IOException or JsonException or InvalidOperationException or ArgumentException or FormatException)
        {
            throw new DiffusionModelException($"{folder}: vocab.json and merges.txt are not a BPE vocabulary ({e.Message})", e);
        }

        // CLIP's ids (49406/49407) are read from the vocabulary, so a small vocabulary in the same format works too.
        var vocabulary = bpe.Vocabulary;
        var bos = vocabulary.TryGetValue(StartToken, out var b) ? b : 49406;
        var eos = vocabulary.TryGetValue(EndToken, out var e2) ? e2 : 49407;
        var pad = eos;
        var padToken = ReadPadToken(folder);
        if (padToken is not null && vocabulary.TryGetValue(padToken, out var padId))
        {
            pad = padId;
        }

        return new ClipTokenizer(bpe, bos, eos, pad);
    }

    /// <summary>The 77 ids of <paramref name="text"/>: start, the text's tokens (cut to fit), end, then padding.</summary>
    public long[] Encode(string text)
    {
        var clean = WhiteSpace().Replace(text.Trim(), " ");
        var body = clean.Length == 0 ? [] : _bpe.EncodeToIds(clean);
        var ids = new long[MaxLength];
        ids[0] = BeginId;
        var n = Math.Min(body.Count, MaxLength - 2);
        for (var i = 0; i < n; i++)
        {
            ids[1 + i] = body[i];
        }

        ids[1 + n] = EndId;
        for (var i = 2 + n; i < MaxLength; i++)
        {
            ids[i] = PadId;
        }

        return ids;
    }

    private static string? ReadPadToken(string folder)
    {
        foreach (var name in new[] { "special_tokens_map.json", "tokenizer_config.json" })
        {
            var path = Path.Combine(folder, name);
            if (!File.Exists(path))
            {
                continue;
            }

            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(path));
                if (doc.RootElement.TryGetProperty("pad_token", out var pad))
                {
                    return pad.ValueKind == JsonValueKind.String ? pad.GetString()
                        : pad.ValueKind == JsonValueKind.Object && pad.TryGetProperty("content", out var c) ? c.GetString() : null;
                }
            }
            catch (JsonException e)
            {
                throw new DiffusionModelException($"{path} is not valid JSON: {e.Message}", e);
            }
        }

        return null;
    }

    [GeneratedRegex(@"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+", RegexOptions.IgnoreCase)]
    private static partial Regex ClipPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}
