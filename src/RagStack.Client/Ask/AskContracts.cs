using RagStack.Answering;
using RagStack.Client.Search;

namespace RagStack.Client.Ask;

/// <summary>The body of <c>POST /api/ask</c>.</summary>
internal sealed record AskBody(string Question, string? Index, string? Domain, int Top, int? MaxTokens, float? Temperature)
{
    /// <summary>The request as the API takes it; a setting the API does not accept is refused here, by name, rather than dropped.</summary>
    public static AskBody From(AskRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var unsupported = new (bool Set, string Name)[]
        {
            (request.History is { Count: > 0 }, nameof(AskRequest.History)),
            (request.Tags is { Count: > 0 }, nameof(AskRequest.Tags)),
            (request.DocumentIds is { Count: > 0 }, nameof(AskRequest.DocumentIds)),
            (request.Adapter is not null, nameof(AskRequest.Adapter)),
            (request.AdapterScale is not null, nameof(AskRequest.AdapterScale)),
        };
        if (unsupported.FirstOrDefault(u => u.Set) is { Set: true, Name: var name })
        {
            throw new NotSupportedException($"AskRequest.{name} is not accepted by RagStack.Api's /api/ask; leave it unset when asking a remote RagStack.");
        }

        return new AskBody(request.Question, request.Index, request.Domain, request.Top, request.MaxOutputTokens, request.Temperature);
    }
}

/// <summary>A cited source as the API writes it.</summary>
internal sealed record SourceBody(int Number, CitationBody Citation, string Snippet, double? Relevance = null)
{
    public static IReadOnlyList<AnswerSource> ToSources(IReadOnlyList<SourceBody>? sources) =>
        [.. (sources ?? []).Select(s => new AnswerSource(s.Number, s.Citation.ToCitation(), s.Snippet) { Relevance = s.Relevance })];
}

/// <summary>Where an answer's time went, in milliseconds.</summary>
internal sealed record TimingsBody(double RetrievalMs, double? TimeToFirstTokenMs, double TotalMs)
{
    public AnswerTimings ToTimings() => new(
        TimeSpan.FromMilliseconds(RetrievalMs),
        TimeToFirstTokenMs is { } first ? TimeSpan.FromMilliseconds(first) : null,
        TimeSpan.FromMilliseconds(TotalMs));
}

/// <summary>A finished answer as JSON; also the <c>done</c> event of a stream, which has neither text nor sources.</summary>
internal sealed record AnswerBody(
    string? Text,
    AnswerKind Kind,
    IReadOnlyList<SourceBody>? Sources,
    string? Index,
    string? Domain,
    AnswerAdapter? Adapter,
    double? Relevance,
    string? Notice,
    AnswerUsage? Usage,
    TimingsBody Timings)
{
    public Answer ToAnswer(string text, IReadOnlyList<AnswerSource> sources) => new()
    {
        Text = text,
        Sources = sources,
        Kind = Kind,
        Index = Index,
        Domain = Domain,
        Adapter = Adapter,
        Relevance = Relevance,
        Notice = Notice,
        Usage = Usage,
        Timings = Timings.ToTimings(),
    };

    public Answer ToAnswer() => ToAnswer(Text ?? "", SourceBody.ToSources(Sources));
}

/// <summary>The <c>token</c> event: text to append.</summary>
internal sealed record TokenEvent(string Text);

/// <summary>The <c>sources</c> event.</summary>
internal sealed record SourcesEvent(IReadOnlyList<SourceBody> Sources);
