using System.Text.RegularExpressions;
using RagStack.Embeddings;
using RagStack.Extraction;

namespace RagStack.Ingestion.Partitioning;

/// <summary>
/// Cuts an extracted document into chunks that follow its structure: a heading, a page or a section change starts a new
/// chunk; paragraphs are packed together until a chunk holds a small packing budget of tokens, never past the chunk budget
/// (both counted by the embedding model's tokenizer); a paragraph
/// larger than the budget is cut at sentences, a sentence larger than the budget at words. Every chunk is a contiguous
/// span of <see cref="ExtractedDocument.Text"/>, so its offsets point at exactly its text.
/// </summary>
internal sealed partial class StructuredChunker
{
    private readonly ITokenCounter _tokens;
    private readonly ChunkingOptions _options;

    public StructuredChunker(ITokenCounter tokens, ChunkingOptions options)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(options);
        _tokens = tokens;
        _options = options;
        Budget = Math.Min(options.MaxTokens, tokens.MaxTokens - options.HeaderTokens);
        if (Budget < 16)
        {
            throw new ArgumentException($"The embedding model reads {tokens.MaxTokens} tokens; after a {options.HeaderTokens}-token header no room is left for text.", nameof(options));
        }
    }

    /// <summary>The most tokens of document text a chunk holds.</summary>
    public int Budget { get; }

    public IReadOnlyList<TextChunk> Chunk(ExtractedDocument document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        var pieces = Pieces(document, cancellationToken);
        var chunks = new List<TextChunk>();
        var current = new List<Piece>();
        var currentTokens = 0;

        foreach (var piece in pieces)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (current.Count > 0 && (StartsNewChunk(current, piece) || IsPacked(current, piece)))
            {
                Emit(document, current, chunks);
                current.Clear();
                currentTokens = 0;
            }
            else if (current.Count > 0 && currentTokens + piece.Tokens > Budget)
            {
                Emit(document, current, chunks);
                var overlap = Overlap(current, Budget - piece.Tokens);
                current.Clear();
                current.AddRange(overlap);
                currentTokens = overlap.Sum(p => p.Tokens);
            }

            current.Add(piece);
            currentTokens += piece.Tokens;
        }

        if (current.Count > 0)
        {
            Emit(document, current, chunks);
        }

        return chunks;
    }

    private static bool StartsNewChunk(List<Piece> current, Piece next)
    {
        var hasContent = current.Exists(p => p.Kind != BlockKind.Heading);
        if (!hasContent)
        {
            // A heading stays with the text below it, and a run of headings (chapter, then section) stays together.
            return next.Page != current[0].Page;
        }

        return (next.Kind == BlockKind.Heading && next.FirstOfBlock)
            || next.Page != current[^1].Page
            || !next.SectionPath.SequenceEqual(current[^1].SectionPath, StringComparer.Ordinal);
    }

    /// <summary>
    /// A new paragraph or list item after a chunk that already holds <see cref="ChunkingOptions.PackTokens"/> tokens of
    /// text starts its own chunk: search then matches small units, and short items still travel together.
    /// </summary>
    private bool IsPacked(List<Piece> current, Piece next) =>
        next.FirstOfBlock && next.Kind != BlockKind.Heading
        && current.Where(p => p.Kind != BlockKind.Heading).Sum(p => p.Tokens) >= _options.PackTokens;

    /// <summary>The trailing sentences of a chunk cut by the budget, repeated so a thought that spans the cut is found whole.</summary>
    private List<Piece> Overlap(List<Piece> emitted, int room)
    {
        var overlap = new List<Piece>();
        var tokens = 0;
        var limit = Math.Min(_options.OverlapTokens, room);
        for (var i = emitted.Count - 1; i > 0; i--)
        {
            var piece = emitted[i];
            if (piece.Kind == BlockKind.Heading || tokens + piece.Tokens > limit)
            {
                break;
            }

            overlap.Insert(0, piece);
            tokens += piece.Tokens;
        }

        return overlap;
    }

    private void Emit(ExtractedDocument document, List<Piece> pieces, List<TextChunk> chunks)
    {
        var start = pieces[0].Start;
        var end = pieces[^1].End;
        var text = document.Text[start..end];
        var tokens = _tokens.CountTokens(text);
        if (tokens > Budget && pieces.Count > 1)
        {
            // Token counts of pieces add up for word-level tokenizers; where a tokenizer merges across a seam, split again.
            var half = pieces.Count / 2;
            Emit(document, pieces.GetRange(0, half), chunks);
            Emit(document, pieces.GetRange(half, pieces.Count - half), chunks);
            return;
        }

        var content = pieces.Find(p => p.Kind != BlockKind.Heading) ?? pieces[0];
        var path = content.Kind == BlockKind.Heading ? content.SectionPath.Append(content.HeadingText!).ToArray() : content.SectionPath;
        chunks.Add(new TextChunk(chunks.Count, text, start, end, pieces[0].Page, path, tokens));
    }

    private List<Piece> Pieces(ExtractedDocument document, CancellationToken cancellationToken)
    {
        var pieces = new List<Piece>();
        for (var b = 0; b < document.Blocks.Count; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var block = document.Blocks[b];
            var blockStart = document.BlockStarts[b];
            if (string.IsNullOrWhiteSpace(block.Text))
            {
                continue;
            }

            var heading = block.Kind == BlockKind.Heading ? block.Text.Trim() : null;
            var tokens = _tokens.CountTokens(block.Text);
            if (tokens <= Budget)
            {
                pieces.Add(new Piece(blockStart, blockStart + block.Text.Length, tokens, block.Kind, block.Page, block.SectionPath, heading, FirstOfBlock: true));
                continue;
            }

            var first = true;
            foreach (var (start, length) in Split(block.Text))
            {
                pieces.Add(new Piece(blockStart + start, blockStart + start + length, _tokens.CountTokens(block.Text.Substring(start, length)), block.Kind, block.Page, block.SectionPath, heading, first));
                first = false;
            }
        }

        return pieces;
    }

    /// <summary>Cuts an over-budget block into sentences, and sentences over budget into runs of words.</summary>
    private IEnumerable<(int Start, int Length)> Split(string text)
    {
        var sentenceStart = SkipSpace(text, 0);
        var boundaries = Sentences.Boundaries(text);
        boundaries.Add(text.Length);
        foreach (var boundary in boundaries)
        {
            var end = TrimEnd(text, boundary);
            if (end <= sentenceStart)
            {
                continue;
            }

            if (_tokens.CountTokens(text[sentenceStart..end]) <= Budget)
            {
                yield return (sentenceStart, end - sentenceStart);
            }
            else
            {
                foreach (var run in SplitWords(text, sentenceStart, end))
                {
                    yield return run;
                }
            }

            sentenceStart = SkipSpace(text, boundary);
        }
    }

    private IEnumerable<(int Start, int Length)> SplitWords(string text, int from, int to)
    {
        var runStart = from;
        var runEnd = from;
        var runTokens = 0;
        var words = new List<(int Index, int Length)>();
        foreach (var match in Word().EnumerateMatches(text.AsSpan(from, to - from)))
        {
            words.Add((match.Index, match.Length));
        }

        foreach (var word in words)
        {
            var wordStart = from + word.Index;
            var wordTokens = _tokens.CountTokens(text.Substring(wordStart, word.Length));
            if (runTokens > 0 && runTokens + wordTokens > Budget)
            {
                yield return (runStart, runEnd - runStart);
                runStart = wordStart;
                runTokens = 0;
            }

            if (wordTokens > Budget)
            {
                // One "word" longer than the budget (a base64 blob, a URL list): cut it by characters.
                var step = Math.Max(1, word.Length * Budget / wordTokens / 2);
                for (var i = 0; i < word.Length; i += step)
                {
                    yield return (wordStart + i, Math.Min(step, word.Length - i));
                }

                runStart = wordStart + word.Length;
                runEnd = runStart;
                runTokens = 0;
                continue;
            }

            runTokens += wordTokens;
            runEnd = wordStart + word.Length;
        }

        if (runTokens > 0)
        {
            yield return (runStart, runEnd - runStart);
        }
    }

    private static int SkipSpace(string text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return i;
    }

    private static int TrimEnd(string text, int end)
    {
        while (end > 0 && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        return end;
    }

    [GeneratedRegex(@"\S+")]
    private static partial Regex Word();

    private sealed record Piece(int Start, int End, int Tokens, BlockKind Kind, int? Page, IReadOnlyList<string> SectionPath, string? HeadingText, bool FirstOfBlock);
}
