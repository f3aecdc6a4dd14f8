using RagStack.Answering;
using RagStack.Api.Search;

namespace RagStack.Api.Ask;

/// <summary>A question to answer from an index's documents.</summary>
/// <param name="Question">The question, in plain words.</param>
/// <param name="Index">The index to answer from; null for the domain's index, else <c>default</c>.</param>
/// <param name="Domain">A configured domain: its index, LoRA adapter and instructions apply.</param>
/// <param name="Top">How many retrieved chunks to offer the generator, 1 to 1000; default 8.</param>
/// <param name="MaxTokens">The most tokens the answer may have; default the service's.</param>
/// <param name="Temperature">Sampling temperature, 0 to 2; default the model's.</param>
internal sealed record AskBody(string? Question, string? Index, string? Domain, int? Top, int? MaxTokens, float? Temperature);

/// <summary>A finished answer: its text with <c>[n]</c> citations, its sources, how it was made and where the time went.</summary>
internal sealed record AskResponse(
    string Text,
    AnswerKind Kind,
    IReadOnlyList<SourceResponse> Sources,
    string? Index,
    string? Domain,
    AnswerAdapter? Adapter,
    double? Relevance,
    string? Notice,
    AnswerUsage? Usage,
    TimingsResponse Timings)
{
    public static AskResponse From(Answer answer) => new(
        answer.Text,
        answer.Kind,
        SourceResponse.From(answer.Sources),
        answer.Index,
        answer.Domain,
        answer.Adapter,
        answer.Relevance,
        answer.Notice,
        answer.Usage,
        TimingsResponse.From(answer.Timings));
}

/// <summary>A cited source: the number the text cites it by, its citation and the cited passage.</summary>
internal sealed record SourceResponse(int Number, CitationResponse Citation, string Snippet, double? Relevance)
{
    public static IReadOnlyList<SourceResponse> From(IReadOnlyList<AnswerSource> sources) =>
        [.. sources.Select(s => new SourceResponse(s.Number, CitationResponse.From(s.Citation), s.Snippet, s.Relevance))];
}

/// <summary>Where an answer's time went, in milliseconds.</summary>
internal sealed record TimingsResponse(double RetrievalMs, double? TimeToFirstTokenMs, double TotalMs)
{
    public static TimingsResponse From(AnswerTimings timings) =>
        new(timings.Retrieval.TotalMilliseconds, timings.TimeToFirstToken?.TotalMilliseconds, timings.Total.TotalMilliseconds);
}

/// <summary>The <c>sources</c> event of a streamed answer.</summary>
internal sealed record SourcesEvent(IReadOnlyList<SourceResponse> Sources);

/// <summary>The <c>done</c> event of a streamed answer: everything about it but its text and sources.</summary>
internal sealed record DoneEvent(AnswerKind Kind, string? Index, string? Domain, AnswerAdapter? Adapter, double? Relevance, string? Notice, AnswerUsage? Usage, TimingsResponse Timings)
{
    public static DoneEvent From(Answer answer) =>
        new(answer.Kind, answer.Index, answer.Domain, answer.Adapter, answer.Relevance, answer.Notice, answer.Usage, TimingsResponse.From(answer.Timings));
}

/// <summary>The <c>token</c> event of a streamed answer: text to append.</summary>
internal sealed record TokenEvent(string Text);
