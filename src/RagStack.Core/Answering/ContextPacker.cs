using Microsoft.Extensions.AI;
using RagStack.Generation;
using RagStack.Retrieval;

namespace RagStack.Answering;

/// <summary>A source as it went into the prompt: its number there, its citation, its text and the chunks it is made of.</summary>
internal sealed record PackedSource(int Number, Citation Citation, string Text, IReadOnlyList<string> ChunkIds);

/// <summary>The prompt to send, the sources it holds, and the token budget it was packed to.</summary>
internal sealed record PackedContext(IReadOnlyList<PackedSource> Sources, IReadOnlyList<ChatMessage> Messages, int PromptTokens, int OutputTokens, int ContextLength);

/// <summary>
/// Packs retrieved chunks into a generator's window: best chunks whole and in rank order, duplicates and overlaps of
/// one document merged into one source, never more prompt tokens than the window minus the answer's reserve.
/// </summary>
internal sealed class ContextPacker
{
    internal const string SourcesVariable = "sources";
    internal const string QuestionVariable = "question";

    private readonly PromptFunction _prompt;
    private readonly int _minOutputTokens;

    public ContextPacker(PromptFunction prompt, int minOutputTokens)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentOutOfRangeException.ThrowIfLessThan(minOutputTokens, 1);
        _prompt = prompt;
        _minOutputTokens = minOutputTokens;
    }

    /// <summary>
    /// Packs <paramref name="ranked"/> (best first). The answer keeps <paramref name="maxOutputTokens"/> unless the question
    /// leaves less; it never gets fewer than the minimum reserve: then <see cref="ContextWindowExceededException"/>.
    /// <paramref name="systemPrompt"/> (a domain's instructions) is added to the prompt's system message.
    /// </summary>
    public PackedContext Pack(string question, IReadOnlyList<ChatMessage>? history, IReadOnlyList<SearchResult> ranked, IChatTokenCounter counter, int maxOutputTokens, string? systemPrompt = null)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(ranked);
        ArgumentNullException.ThrowIfNull(counter);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxOutputTokens, 1);

        var window = counter.ContextLength;
        var empty = Render(question, history, [], systemPrompt);
        var baseTokens = counter.CountPromptTokens(empty);
        if (baseTokens + _minOutputTokens > window)
        {
            throw new ContextWindowExceededException(
                baseTokens,
                window,
                $"The question and its history take {baseTokens} tokens of the generator's {window}-token window, leaving less than the {_minOutputTokens} tokens an answer needs. Shorten the question or the history, or use a model with a larger context.");
        }

        var reserve = Math.Min(maxOutputTokens, window - baseTokens);
        var budget = window - reserve;

        // Chunks are added best first and kept whole; one that does not fit is skipped and smaller, lower-ranked ones are
        // still tried. Each block's tokens are counted on its own, which can differ by a token or two from the same text
        // inside the assembled prompt, so the assembled prompt is counted again below.
        var groups = new List<SourceGroup>();
        var used = baseTokens;
        foreach (var result in ranked)
        {
            var candidate = SourceGroup.From(result);
            if (groups.Any(g => g.Contains(candidate)))
            {
                continue; // A duplicate: its whole text is in the prompt already.
            }

            var merged = groups.Select((g, i) => (Group: g, Index: i)).FirstOrDefault(x => x.Group.CanMerge(candidate));
            if (merged.Group is { } existing)
            {
                var union = existing.Stitch(candidate);
                var delta = Cost(counter, union, groups.Count) - existing.Tokens;
                if (used + delta <= budget)
                {
                    groups[merged.Index] = union with { Tokens = existing.Tokens + delta };
                    used += delta;
                }

                continue;
            }

            if (groups.Any(g => g.Overlaps(candidate) || string.Equals(g.Text, candidate.Text, StringComparison.Ordinal)))
            {
                // An overlap that cannot merge (it crosses a page or section) would repeat text under a second number;
                // the same text under another name (a copy of a document) is a duplicate too.
                continue;
            }

            var cost = Cost(counter, candidate, groups.Count + 1);
            if (used + cost <= budget)
            {
                groups.Add(candidate with { Tokens = cost });
                used += cost;
            }
        }

        // The assembled prompt is the truth: drop the lowest-ranked source until it fits.
        while (true)
        {
            var sources = groups.Select((g, i) => new PackedSource(i + 1, g.Citation, g.Text, g.ChunkIds)).ToList();
            var messages = Render(question, history, sources, systemPrompt);
            var tokens = counter.CountPromptTokens(messages);
            if (tokens <= budget)
            {
                return new PackedContext(sources, messages, tokens, reserve, window);
            }

            if (groups.Count == 0)
            {
                // The empty prompt fitted above; a counter that counts it differently twice is broken.
                throw new InvalidOperationException($"The token counter counted the same prompt as {baseTokens} and then {tokens} tokens.");
            }

            groups.RemoveAt(groups.Count - 1);
        }
    }

    /// <summary>The prompt's messages for these sources.</summary>
    internal IReadOnlyList<ChatMessage> Render(string question, IReadOnlyList<ChatMessage>? history, IReadOnlyList<PackedSource> sources, string? systemPrompt = null) =>
        _prompt.Render(
            new Dictionary<string, string>
            {
                [SourcesVariable] = SourceFence.Blocks(sources.Select(s => (s.Number, s.Citation, s.Text))),
                [QuestionVariable] = question,
            },
            history,
            systemPrompt);

    // Blocks are joined by a blank line; counting the separator with the block keeps the sum an upper bound of the whole.
    private static int Cost(IChatTokenCounter counter, SourceGroup group, int number) =>
        counter.CountTokens(SourceFence.Block(number, group.Citation, group.Text) + "\n\n");

    /// <summary>One or more chunks of one document that form one continuous passage.</summary>
    private sealed record SourceGroup(string DocumentId, string DocumentName, int Start, int End, int? Page, string Section, string Text, IReadOnlyList<string> ChunkIds, int Tokens)
    {
        // Chunks this close are neighbours: the chunker leaves only whitespace between them.
        private const int NeighbourGap = 2;

        public Citation Citation => new(DocumentId, DocumentName, Page, Section, Start, End);

        public static SourceGroup From(SearchResult result) => new(
            result.Chunk.DocumentId, result.Chunk.DocumentName, result.Chunk.Start, result.Chunk.End, result.Chunk.Page,
            result.Chunk.Section, result.Chunk.Text, [result.Chunk.Id], 0);

        public bool Contains(SourceGroup other) => SameDocument(other) && other.Start >= Start && other.End <= End;

        /// <summary>
        /// Overlapping or neighbouring chunks become one source, which saves a fence and the repeated overlap, but only
        /// on one page and in one section, so the merged source's citation is still exact. Text is joined by offsets,
        /// so each text must be exactly its span of the document's text.
        /// </summary>
        public bool CanMerge(SourceGroup other) =>
            SameDocument(other)
            && other.Start <= End + NeighbourGap && Start <= other.End + NeighbourGap
            && Page == other.Page && string.Equals(Section, other.Section, StringComparison.Ordinal)
            && Text.Length == End - Start && other.Text.Length == other.End - other.Start;

        public bool Overlaps(SourceGroup other) => SameDocument(other) && other.Start < End && Start < other.End;

        private bool SameDocument(SourceGroup other) => string.Equals(DocumentId, other.DocumentId, StringComparison.Ordinal);

        /// <summary>The union passage, in document order; the citation's page and section are those of its start.</summary>
        public SourceGroup Stitch(SourceGroup other)
        {
            var (first, second) = Start <= other.Start ? (this, other) : (other, this);
            string text;
            if (second.End <= first.End)
            {
                text = first.Text;
            }
            else if (second.Start < first.End)
            {
                text = first.Text + second.Text[(first.End - second.Start)..];
            }
            else
            {
                // Only white space lies between neighbours; line breaks of the gap's length keep the text as long as its span,
                // so a third neighbour can still be stitched on.
                text = first.Text + new string('\n', second.Start - first.End) + second.Text;
            }

            return new SourceGroup(DocumentId, DocumentName, first.Start, Math.Max(first.End, second.End), first.Page ?? second.Page, first.Section, text, [.. ChunkIds, .. other.ChunkIds], Tokens);
        }
    }
}
