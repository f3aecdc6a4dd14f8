using RagStack.Retrieval;

namespace RagStack.Answering;

/// <summary>How an answer was made.</summary>
public enum AnswerKind
{
    /// <summary>A generator model wrote it from the packed sources.</summary>
    Generated,
    /// <summary>No generator is configured: the answer is the best passages, cited.</summary>
    Extractive,
    /// <summary>No retrieved chunk was relevant enough; the answer says so and no model was called.</summary>
    NoRelevantContext,
}

/// <summary>A source an answer cites: its number as written in the answer (<c>[n]</c>), where it comes from, and the cited text.</summary>
public sealed record AnswerSource(int Number, Citation Citation, string Snippet)
{
    /// <summary>
    /// The parts of <see cref="Snippet"/> the answer quotes (an extractive answer's sentences), as character spans of the
    /// snippet; the snippet is then the passage verbatim, so <c>Citation.Start + span.Start</c> is the document offset.
    /// </summary>
    public IReadOnlyList<AnswerHighlight> Highlights { get; init; } = [];

    /// <summary>
    /// How close the source is to the question: the cosine similarity of the question and the source's best chunk under
    /// the index's embedding model (about 0.5–0.9 for ArcticXs; higher is closer); null when no vector was at hand.
    /// </summary>
    public double? Relevance { get; init; }
}

/// <summary>A quoted part of a source's snippet: its first character and its length.</summary>
public sealed record AnswerHighlight(int Start, int Length);

/// <summary>Tokens a generated answer used; null counts were not reported by the generator nor counted.</summary>
public sealed record AnswerUsage(int? PromptTokens, int? OutputTokens, int ContextLength);

/// <summary>The LoRA adapter a generated answer was written with, by its name in the generator, and the scale applied.</summary>
public sealed record AnswerAdapter(string Name, float Scale);

/// <summary>Where an answer's time went.</summary>
public sealed record AnswerTimings(TimeSpan Retrieval, TimeSpan? TimeToFirstToken, TimeSpan Total);

/// <summary>A finished answer: its text with <c>[n]</c> citations, the sources those numbers point at, and how it was made.</summary>
public sealed record Answer
{
    /// <summary>The answer text; every <c>[n]</c> in it names an entry of <see cref="Sources"/>.</summary>
    public required string Text { get; init; }

    /// <summary>The sources the text cites, numbered in the order they were first cited.</summary>
    public required IReadOnlyList<AnswerSource> Sources { get; init; }

    /// <summary>How the answer was made.</summary>
    public required AnswerKind Kind { get; init; }

    /// <summary>
    /// The best cosine similarity between the question and a retrieved chunk: the absolute relevance signal compared
    /// with <c>AnsweringOptions.RelevanceThreshold</c>. Null when the store returned no vectors.
    /// </summary>
    public double? Relevance { get; init; }

    /// <summary>A one-line note for the reader about how the answer was made (e.g. how to install a generator); null when none.</summary>
    public string? Notice { get; init; }

    /// <summary>The index the answer was retrieved from.</summary>
    public string? Index { get; init; }

    /// <summary>The domain the question was asked in; null for none.</summary>
    public string? Domain { get; init; }

    /// <summary>The adapter that wrote a generated answer; null for the base model and for other kinds.</summary>
    public AnswerAdapter? Adapter { get; init; }

    /// <summary>Token counts of a generated answer; null for other kinds.</summary>
    public AnswerUsage? Usage { get; init; }

    /// <summary>Where the time went.</summary>
    public required AnswerTimings Timings { get; init; }
}
