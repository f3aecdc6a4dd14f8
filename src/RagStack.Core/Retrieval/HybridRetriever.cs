using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using RagStack.Chunks;
using RagStack.Documents;
using RagStack.Embeddings;
using RagStack.Storage;
using RagStack.Telemetry;
using RagStack.Input;

namespace RagStack.Retrieval;

/// <summary>
/// Retrieves chunks by dense similarity and BM25 at once, inside the store's filters, and fuses the two rankings by
/// the method <see cref="RetrievalOptions.Fusion"/> names.
/// </summary>
internal sealed class HybridRetriever : IRetriever
{
    private readonly IChunkStore _store;
    private readonly IEmbeddingGenerator<string, Embedding<float>> _embeddings;
    private readonly RetrievalOptions _options;
    private readonly TimeProvider _time;
    private readonly IReranker? _reranker;

    public HybridRetriever(IChunkStore store, IEmbeddingGenerator<string, Embedding<float>> embeddings, IOptions<RetrievalOptions> options, TimeProvider time, IEnumerable<IReranker> rerankers)
    {
        _store = store;
        _embeddings = embeddings;
        _options = options.Value;
        _time = time;
        if (_options.Rerank != RerankMethod.None)
        {
            _reranker = rerankers.LastOrDefault(r => r.Method == _options.Rerank) ?? throw new InvalidOperationException(
                $"{RetrievalOptions.Section}:{nameof(RetrievalOptions.Rerank)} is {_options.Rerank}, but no reranker of that kind is composed" +
                (_options.Rerank == RerankMethod.CrossEncoder ? " (add it with AddOnnxReranker and set RagStack:CrossEncoder:Path)." : "."));
        }
    }

    public async Task<IReadOnlyList<SearchResult>> SearchAsync(SearchRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.Top, 1, nameof(request));
        if (string.IsNullOrWhiteSpace(request.Query))
        {
            throw new ArgumentException("The query is empty.", nameof(request));
        }

        if (IndexName.Problem(request.Index) is { } problem)
        {
            throw new ArgumentException($"The index {problem}.", nameof(request));
        }

        if (!Enum.IsDefined(request.Mode))
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.Mode, $"The search mode must be one of {DefinedNames.List<SearchMode>()}.");
        }

        using var activity = RagStackTelemetry.ActivitySource.StartActivity("retrieve");
        activity?.SetTag("ragstack.index", request.Index);
        activity?.SetTag("ragstack.mode", request.Mode.ToString());
        var started = _time.GetTimestamp();
        var vector = request.QueryVector;
        if (request.Mode != SearchMode.Keyword && vector.IsEmpty)
        {
            var embedding = await _embeddings.GenerateAsync([request.Query], EmbeddingPurpose.ForQueries(), cancellationToken);
            vector = embedding[0].Vector;
        }

        var results = await SearchWithVectorAsync(request, vector, cancellationToken);
        RagStackTelemetry.RetrievalDuration.Record(_time.GetElapsedTime(started).TotalMilliseconds);
        activity?.SetTag("ragstack.results", results.Count);
        return results;
    }

    /// <summary>The search after the query is embedded: both rankings concurrently, then fusion.</summary>
    internal async Task<IReadOnlyList<SearchResult>> SearchWithVectorAsync(SearchRequest request, ReadOnlyMemory<float> vector, CancellationToken cancellationToken)
    {
        var filter = new ChunkFilter
        {
            Tenant = request.Tenant,
            Index = request.Index,
            DocumentIds = request.DocumentIds,
            Tags = request.Tags,
        };

        IReadOnlyList<ScoredChunk> ranked;
        switch (request.Mode)
        {
            case SearchMode.Dense:
                ranked = await _store.VectorSearchAsync(vector, filter, request.Top, cancellationToken);
                break;
            case SearchMode.Keyword:
                ranked = await _store.KeywordSearchAsync(request.Query, filter, request.Top, cancellationToken);
                break;
            case SearchMode.Hybrid:
                var candidates = Math.Max(request.Top, _options.Candidates);
                // Stores may answer synchronously (SQLite, Lucene); run both rankings on the pool so they overlap.
                var dense = Task.Run(() => _store.VectorSearchAsync(vector, filter, candidates, cancellationToken), cancellationToken);
                var keyword = Task.Run(() => _store.KeywordSearchAsync(request.Query, filter, candidates, cancellationToken), cancellationToken);
                IReadOnlyList<IReadOnlyList<ScoredChunk>> rankings = [await dense, await keyword];
                var keywordWeight = _options.AdaptiveKeywordWeight
                    ? _options.KeywordWeight * LexicalEvidence.KeywordShare(_options, LexicalEvidence.Of(request.Query, rankings[1]))
                    : _options.KeywordWeight;
                double[] weights = [_options.DenseWeight, keywordWeight];
                var fused = _reranker is null ? request.Top : Math.Max(request.Top, _options.RerankCandidates);
                ranked = _options.Fusion switch
                {
                    FusionMethod.Convex => ConvexScoreFusion.Fuse(rankings, weights, fused),
                    FusionMethod.DistributionBased => DistributionScoreFusion.Fuse(rankings, weights, fused),
                    _ => ReciprocalRankFusion.Fuse(rankings, weights, fused, _options.FusionK),
                };
                if (_reranker is not null)
                {
                    ranked = await RerankAsync(_reranker, request, vector, ranked, cancellationToken);
                }

                break;
            default:
                throw new UnreachableException($"Unknown search mode {request.Mode}.");
        }

        return ranked.Select(r => new SearchResult(r.Chunk, r.Score, CitationOf(r.Chunk))).ToList();
    }

    /// <summary>
    /// The fused candidates in the reranker's order, cut to the request's top; each carries the reranker's score. Candidates
    /// beyond <see cref="RetrievalOptions.RerankCandidates"/> are not scored and stay below, in fused order.
    /// </summary>
    private async Task<IReadOnlyList<ScoredChunk>> RerankAsync(IReranker reranker, SearchRequest request, ReadOnlyMemory<float> vector, IReadOnlyList<ScoredChunk> fused, CancellationToken cancellationToken)
    {
        var scored = fused.Take(_options.RerankCandidates).ToList();
        if (scored.Count == 0)
        {
            return fused;
        }

        using var activity = RagStackTelemetry.ActivitySource.StartActivity("rerank");
        activity?.SetTag("ragstack.rerank", reranker.Method.ToString());
        activity?.SetTag("ragstack.candidates", scored.Count);
        var scores = await reranker.ScoreAsync(new RerankRequest(request.Query, vector, scored.Select(s => s.Chunk).ToList()), cancellationToken);
        if (scores.Count != scored.Count)
        {
            throw new InvalidOperationException($"The {reranker.Method} reranker gave {scores.Count} scores for {scored.Count} candidates.");
        }

        var floor = scores.Min();
        return scored.Select((s, i) => new ScoredChunk(s.Chunk, scores[i]))
            .OrderByDescending(s => s.Score)
            .Concat(fused.Skip(scored.Count).Select(s => s with { Score = floor }))
            .Take(request.Top)
            .ToList();
    }

    /// <summary>A chunk's own citation: its document, page, section and span.</summary>
    internal static Citation CitationOf(ChunkRecord chunk) =>
        new(chunk.DocumentId, chunk.DocumentName, chunk.Page, chunk.Section, chunk.Start, chunk.End);
}
