using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using RagStack.Documents;
using Microsoft.Extensions.Options;
using RagStack.Domains;
using RagStack.Embeddings;
using RagStack.Generation;
using RagStack.Ingestion.Partitioning;
using RagStack.Retrieval;
using RagStack.Storage;
using RagStack.Telemetry;

namespace RagStack.Answering;

/// <summary>
/// The ask path: retrieve, check that something relevant was found, pack the best chunks into the generator's window,
/// stream the answer with its citations resolved. A request's domain chooses the index, the adapter the generator answers
/// with and instructions for the prompt. Without a chat client the answer is extractive: the sentences that answer, cited.
/// </summary>
internal sealed partial class Answerer : IAnswerer
{
    private const string PromptName = "answer";
    private const int SnippetLength = 300;
    // Chunks are at most a few hundred tokens; the cap only guards against a store with much larger ones.
    private const int ExtractiveLength = 2_000;

    private readonly IRetriever _retriever;
    private readonly IChunkStore _store;
    private readonly IEmbeddingGenerator<string, Embedding<float>> _embeddings;
    private readonly IChatClient? _chatClient;
    private readonly AnsweringOptions _options;
    private readonly IOptions<DomainsOptions> _domains;
    private readonly ContextPacker _packer;
    private readonly TimeProvider _time;
    private readonly ILogger<Answerer> _logger;

    public Answerer(
        IRetriever retriever,
        IChunkStore store,
        IEmbeddingGenerator<string, Embedding<float>> embeddings,
        IChatClient? chatClient,
        IOptions<AnsweringOptions> options,
        IOptions<DomainsOptions> domains,
        TimeProvider time,
        ILogger<Answerer> logger)
    {
        _retriever = retriever;
        _store = store;
        _embeddings = embeddings;
        _chatClient = chatClient;
        _options = options.Value;
        _domains = domains;
        _packer = new ContextPacker(PromptFunction.Load(PromptName, _options.PromptsDirectory), _options.MinOutputTokens);
        _time = time;
        _logger = logger;
    }

    public async Task<Answer> AskAsync(AskRequest request, CancellationToken cancellationToken = default)
    {
        await foreach (var update in AskStreamingAsync(request, cancellationToken))
        {
            if (update.Completed is { } answer)
            {
                return answer;
            }
        }

        throw new UnreachableException("The answer stream ended without its completed answer.");
    }

    public IAsyncEnumerable<AnswerUpdate> AskStreamingAsync(AskRequest request, CancellationToken cancellationToken = default)
    {
        // Validated and routed here, not in the iterator, so bad input (an unknown domain too) fails at the call rather
        // than at the first MoveNextAsync.
        Validate(request);
        return StreamAsync(request, DomainRoute.Resolve(request, _domains.Value), cancellationToken);
    }

    private static void Validate(AskRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.Question))
        {
            throw new ArgumentException("The question is empty.", nameof(request));
        }

        if (request.Top is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.Top, "Top must be between 1 and 1000.");
        }

        if (request.MaxOutputTokens is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.MaxOutputTokens, "MaxOutputTokens must be at least 1.");
        }

        if (request.Index is { } index && IndexName.Problem(index) is { } problem)
        {
            // Checked before anything logs or traces the name: a line break in it could forge a log line.
            throw new ArgumentException($"The index {problem}.", nameof(request));
        }

        if (request.Adapter is { } adapter && string.IsNullOrWhiteSpace(adapter))
        {
            throw new ArgumentException("The adapter name is empty; leave it null for the domain's adapter or the base model.", nameof(request));
        }

        if (request.AdapterScale is { } scale && (!float.IsFinite(scale) || scale is < 0 or > 4))
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.AdapterScale, "AdapterScale must be between 0 and 4.");
        }

        if (request.Temperature is < 0 or > 2)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.Temperature, "Temperature must be between 0 and 2.");
        }
    }

    private async IAsyncEnumerable<AnswerUpdate> StreamAsync(AskRequest request, DomainRoute route, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var activity = RagStackTelemetry.ActivitySource.StartActivity("ask");
        activity?.SetTag("ragstack.index", route.Index);
        activity?.SetTag("ragstack.domain", route.Domain);
        var started = _time.GetTimestamp();

        // The question is embedded here rather than inside the retriever so the same vector measures relevance.
        var embedding = await _embeddings.GenerateAsync([request.Question], EmbeddingPurpose.ForQueries(), cancellationToken);
        var vector = embedding[0].Vector;
        var results = await _retriever.SearchAsync(new SearchRequest
        {
            Query = request.Question,
            Index = route.Index,
            Tenant = request.Tenant,
            Top = request.Top,
            Tags = request.Tags,
            DocumentIds = request.DocumentIds,
            QueryVector = vector,
        }, cancellationToken);
        var retrieval = _time.GetElapsedTime(started);
        var relevance = Relevance(vector, results);
        activity?.SetTag("ragstack.results", results.Count);
        activity?.SetTag("ragstack.relevance", relevance);
        yield return new AnswerUpdate { Retrieved = results.Count };

        if (results.Count == 0 || relevance < _options.RelevanceThreshold)
        {
            LogNoRelevantContext(_logger, route.Index, relevance, _options.RelevanceThreshold);
            var text = _options.NoRelevantContextAnswer;
            yield return new AnswerUpdate { Text = text };
            yield return Completed(activity, new Answer
            {
                Text = text,
                Sources = [],
                Kind = AnswerKind.NoRelevantContext,
                Relevance = relevance,
                Index = route.Index,
                Domain = route.Domain,
                Timings = new AnswerTimings(retrieval, null, _time.GetElapsedTime(started)),
            });
            yield break;
        }

        if (_chatClient is null)
        {
            // An extractive answer quotes the domain's index; adapters only change how a generator writes.
            var answer = await ExtractiveAsync(vector, results, relevance, retrieval, started, cancellationToken) with { Index = route.Index, Domain = route.Domain };
            yield return new AnswerUpdate { Text = answer.Text };
            yield return Completed(activity, answer);
            yield break;
        }

        var counter = _chatClient.GetService(typeof(IChatTokenCounter)) as IChatTokenCounter
            ?? new EstimatingChatTokenCounter(_options.ContextLength);
        // Small units were matched; the generator reads them with their neighbours, which the packer stitches into one source.
        var context = await ContextNeighbours.AddAsync(_store, request.Tenant, route.Index, results, _options.ContextNeighbours, cancellationToken);
        var packed = _packer.Pack(request.Question, request.History, context, counter, request.MaxOutputTokens ?? _options.MaxOutputTokens, route.SystemPrompt);
        if (packed.Sources.Count == 0)
        {
            throw new ContextWindowExceededException(
                packed.PromptTokens,
                packed.ContextLength,
                $"No retrieved source fits the generator's {packed.ContextLength}-token window beside the question ({packed.PromptTokens} tokens) and the answer's reserve ({packed.OutputTokens}). Use a model with a larger context or a shorter question.");
        }

        // A yield above handed Activity.Current back to the caller's; the ask span is named as the parent.
        using var generate = RagStackTelemetry.ActivitySource.StartActivity("generate", System.Diagnostics.ActivityKind.Internal, activity?.Context ?? default);
        generate?.SetTag("ragstack.sources", packed.Sources.Count);
        generate?.SetTag("ragstack.prompt_tokens", packed.PromptTokens);
        generate?.SetTag("ragstack.context_length", packed.ContextLength);
        var resolver = new CitationResolver(packed.Sources);
        var raw = new System.Text.StringBuilder();
        UsageDetails? usage = null;
        TimeSpan? firstToken = null;
        var sent = _time.GetTimestamp();
        var chatOptions = new ChatOptions { MaxOutputTokens = packed.OutputTokens, Temperature = request.Temperature };
        if (route.Adapter is { } adapter)
        {
            chatOptions = chatOptions.WithAdapter(adapter.Name, adapter.Scale);
            generate?.SetTag("ragstack.adapter", adapter.Name);
        }

        await foreach (var update in _chatClient.GetStreamingResponseAsync(packed.Messages, chatOptions, cancellationToken))
        {
            foreach (var content in update.Contents.OfType<UsageContent>())
            {
                usage = content.Details;
            }

            var delta = update.Text;
            if (delta.Length == 0)
            {
                continue;
            }

            if (firstToken is null)
            {
                firstToken = _time.GetElapsedTime(sent);
                RagStackTelemetry.TimeToFirstToken.Record(firstToken.Value.TotalMilliseconds);
                generate?.SetTag("ragstack.time_to_first_token_ms", firstToken.Value.TotalMilliseconds);
            }

            raw.Append(delta);
            var shown = resolver.Append(delta);
            if (shown.Length > 0)
            {
                yield return new AnswerUpdate { Text = shown };
            }
        }

        var tail = resolver.Complete();
        if (tail.Length > 0)
        {
            yield return new AnswerUpdate { Text = tail };
        }

        var promptTokens = (int?)usage?.InputTokenCount ?? packed.PromptTokens;
        var outputTokens = (int?)usage?.OutputTokenCount ?? counter.CountTokens(raw.ToString());
        generate?.SetTag("ragstack.output_tokens", outputTokens);
        RagStackTelemetry.GeneratedTokens.Add(promptTokens, new KeyValuePair<string, object?>("ragstack.token.type", "input"));
        RagStackTelemetry.GeneratedTokens.Add(outputTokens, new KeyValuePair<string, object?>("ragstack.token.type", "output"));
        yield return Completed(activity, new Answer
        {
            Text = resolver.Text.Trim(),
            Sources = resolver.Cited.Select((s, i) => new AnswerSource(i + 1, s.Citation, Snippet(s.Text, SnippetLength)) { Relevance = SourceRelevance(vector, results, s.ChunkIds) }).ToList(),
            Kind = AnswerKind.Generated,
            Relevance = relevance,
            Index = route.Index,
            Domain = route.Domain,
            Adapter = route.Adapter,
            // A model that cites nothing still answered from something; name what it was given rather than show no source.
            Notice = resolver.Cited.Count == 0
                ? $"The answer cites no source; the model was given: {string.Join("; ", packed.Sources.Select(s => s.Citation.ToString()))}."
                : null,
            Usage = new AnswerUsage(promptTokens, outputTokens, packed.ContextLength),
            Timings = new AnswerTimings(retrieval, firstToken, _time.GetElapsedTime(started)),
        });
    }

    /// <summary>
    /// The sentences that answer, each cited, quoted from the best passages: every sentence of the distinct top passages is
    /// embedded and ranked by its cosine with the question plus its passage's; the best, and up to <see cref="AnsweringOptions.ExtractiveSentences"/>
    /// within <see cref="AnsweringOptions.ExtractiveMargin"/> of it, are shown, best first, each highlighted in its passage.
    /// With <see cref="AnsweringOptions.ExtractiveSentences"/> 0 the passages are shown whole.
    /// </summary>
    private async Task<Answer> ExtractiveAsync(ReadOnlyMemory<float> question, IReadOnlyList<SearchResult> results, double? relevance, TimeSpan retrieval, long started, CancellationToken cancellationToken)
    {
        var passages = DistinctPassages(results);
        var sentences = _options.ExtractiveSentences == 0 ? [] : passages
            .SelectMany((p, i) => Sentences.Spans(p.Chunk.Text)
                .Where(s => IsProse(p.Chunk, p.Chunk.Text.Substring(s.Start, s.Length)))
                .Select(s => (Passage: i, s.Start, s.Length)))
            .ToList();
        if (sentences.Count == 0)
        {
            return new Answer
            {
                Text = string.Join("\n\n", passages.Select((p, i) => $"[{i + 1}] {Snippet(p.Chunk.Text, ExtractiveLength)}")),
                Sources = passages.Select((p, i) => new AnswerSource(i + 1, p.Citation, Snippet(p.Chunk.Text, SnippetLength)) { Relevance = VectorRelevance(question, p.Chunk.Vector) }).ToList(),
                Kind = AnswerKind.Extractive,
                Relevance = relevance,
                Notice = _options.ExtractiveNotice,
                Timings = new AnswerTimings(retrieval, null, _time.GetElapsedTime(started)),
            };
        }

        // A sentence is scored with its passage's own similarity added: a sentence of the passage retrieval trusts most wins
        // over a look-alike in a weaker one.
        var vectors = await _embeddings.GenerateAsync(
            sentences.Select(s => passages[s.Passage].Chunk.Text.Substring(s.Start, s.Length)).ToList(),
            cancellationToken: cancellationToken);
        var passageScores = passages.Select(p => Similarity(question, p.Chunk.Vector)).ToList();
        var ranked = sentences
            .Select((s, i) => (Sentence: s, Score: Similarity(question, vectors[i].Vector) + passageScores[s.Passage]))
            .OrderByDescending(s => s.Score)
            .ThenBy(s => s.Sentence.Passage)
            .ThenBy(s => s.Sentence.Start)
            .ToList();
        var best = ranked[0].Score;
        var chosen = ranked.Take(_options.ExtractiveSentences).Where(s => s.Score >= best - _options.ExtractiveMargin).ToList();

        // Sources are numbered in the order the answer first cites them; a passage's highlights are in text order.
        var numbers = new Dictionary<int, int>();
        var lines = new List<string>();
        foreach (var (sentence, _) in chosen)
        {
            if (!numbers.TryGetValue(sentence.Passage, out var number))
            {
                number = numbers.Count + 1;
                numbers[sentence.Passage] = number;
            }

            lines.Add($"{passages[sentence.Passage].Chunk.Text.Substring(sentence.Start, sentence.Length)} [{number}]");
        }

        var sources = numbers.Select(n =>
        {
            var passage = passages[n.Key];
            var highlights = chosen.Where(c => c.Sentence.Passage == n.Key).Select(c => new AnswerHighlight(c.Sentence.Start, c.Sentence.Length)).OrderBy(h => h.Start).ToList();
            return new AnswerSource(n.Value, passage.Citation, passage.Chunk.Text) { Highlights = highlights, Relevance = VectorRelevance(question, passage.Chunk.Vector) };
        }).ToList();
        return new Answer
        {
            Text = string.Join("\n", lines),
            Sources = sources,
            Kind = AnswerKind.Extractive,
            Relevance = relevance,
            Notice = _options.ExtractiveNotice,
            Timings = new AnswerTimings(retrieval, null, _time.GetElapsedTime(started)),
        };
    }

    /// <summary>The best passages, skipping a chunk that overlaps one already taken or repeats its text.</summary>
    private List<SearchResult> DistinctPassages(IReadOnlyList<SearchResult> results)
    {
        var passages = new List<SearchResult>();
        foreach (var result in results)
        {
            if (passages.Count == _options.ExtractivePassages)
            {
                break;
            }

            var chunk = result.Chunk;
            var repeats = passages.Any(p =>
                string.Equals(p.Chunk.Text, chunk.Text, StringComparison.Ordinal)
                || (string.Equals(p.Chunk.DocumentId, chunk.DocumentId, StringComparison.Ordinal) && chunk.Start < p.Chunk.End && p.Chunk.Start < chunk.End));
            if (!repeats)
            {
                passages.Add(result);
            }
        }

        return passages;
    }

    private static double Similarity(ReadOnlyMemory<float> question, ReadOnlyMemory<float> vector) => VectorRelevance(question, vector) ?? 0;

    /// <summary>The question's cosine with a chunk's vector; null when the chunk came without one of the question's size.</summary>
    private static double? VectorRelevance(ReadOnlyMemory<float> question, ReadOnlyMemory<float> vector) =>
        vector.Length == question.Length && !vector.IsEmpty ? TensorPrimitives.CosineSimilarity(question.Span, vector.Span) : null;

    /// <summary>A packed source's relevance: the best of its retrieved chunks' (neighbours added for context have none).</summary>
    private static double? SourceRelevance(ReadOnlyMemory<float> question, IReadOnlyList<SearchResult> results, IReadOnlyList<string> chunkIds) =>
        results.Where(r => chunkIds.Contains(r.Chunk.Id)).Select(r => VectorRelevance(question, r.Chunk.Vector)).Max();

    /// <summary>A heading repeated at the top of a chunk, or a fragment of one or two words, answers nothing.</summary>
    private static bool IsProse(Chunks.ChunkRecord chunk, string sentence) =>
        !chunk.SectionPath.Contains(sentence.Trim(), StringComparer.Ordinal)
        && sentence.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length >= 3;

    private static AnswerUpdate Completed(Activity? activity, Answer answer)
    {
        activity?.SetTag("ragstack.answer.kind", answer.Kind.ToString());
        activity?.SetTag("ragstack.answer.sources", answer.Sources.Count);
        RagStackTelemetry.Answers.Add(1, new KeyValuePair<string, object?>("ragstack.answer.kind", answer.Kind.ToString()));
        return new AnswerUpdate { Completed = answer };
    }

    /// <summary>
    /// The best cosine similarity between the question and a retrieved chunk: an absolute signal, unlike the fused score,
    /// which is scaled per query. Null when no retrieved chunk carries a vector of the question's size.
    /// </summary>
    internal static double? Relevance(ReadOnlyMemory<float> query, IReadOnlyList<SearchResult> results) =>
        results.Select(r => VectorRelevance(query, r.Chunk.Vector)).Max();

    /// <summary>Whitespace collapsed, cut at a word boundary near <paramref name="length"/> characters.</summary>
    internal static string Snippet(string text, int length)
    {
        var flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (flat.Length <= length)
        {
            return flat;
        }

        var cut = flat.LastIndexOf(' ', length);
        return flat[..(cut > length / 2 ? cut : length)] + "…";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "No relevant context in {Index}: relevance {Relevance} is below {Threshold}")]
    private static partial void LogNoRelevantContext(ILogger logger, string index, double? relevance, double threshold);
}
