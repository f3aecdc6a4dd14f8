using RagStack.Evaluation;
using RagStack.Retrieval;

namespace RagStack.Cli.Evaluation;

/// <summary>One evaluation query: its text and the ids of the items (documents, pages) that answer it.</summary>
internal sealed record EvalQuery(string Id, string Text, IReadOnlySet<string> Relevant);

/// <summary>Averages of the ranking metrics over a query set, for one search mode.</summary>
internal sealed record EvalScores(string System, int Queries, double RecallAt1, double RecallAt5, double RecallAt10, double Mrr, double NdcgAt10, double MedianMs);

/// <summary>
/// Runs queries through a retriever and scores the ranked items. Results are chunks; <c>itemOf</c> maps a chunk to the
/// item the relevance labels name (a document, a page), and each item counts once, at its best rank.
/// </summary>
internal static class RetrievalEvaluation
{
    public static async Task<EvalScores> RunAsync(
        string system,
        IRetriever retriever,
        IReadOnlyList<EvalQuery> queries,
        Func<EvalQuery, SearchRequest> request,
        Func<EvalQuery, SearchResult, string> itemOf,
        IProgress<int>? progress,
        CancellationToken cancellationToken)
    {
        double recall1 = 0, recall5 = 0, recall10 = 0, mrr = 0, ndcg = 0;
        var times = new List<double>(queries.Count);
        foreach (var query in queries)
        {
            var started = TimeProvider.System.GetTimestamp();
            var results = await retriever.SearchAsync(request(query), cancellationToken);
            times.Add(TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
            var ranked = results.Select(r => itemOf(query, r)).Distinct(StringComparer.Ordinal).ToList();
            recall1 += RetrievalMetrics.RecallAt(ranked, query.Relevant, 1);
            recall5 += RetrievalMetrics.RecallAt(ranked, query.Relevant, 5);
            recall10 += RetrievalMetrics.RecallAt(ranked, query.Relevant, 10);
            mrr += RetrievalMetrics.ReciprocalRank(ranked, query.Relevant, 10);
            ndcg += RetrievalMetrics.NdcgAt(ranked, query.Relevant, 10);
            progress?.Report(1);
        }

        var n = Math.Max(1, queries.Count);
        times.Sort();
        return new EvalScores(system, queries.Count, recall1 / n, recall5 / n, recall10 / n, mrr / n, ndcg / n, times.Count == 0 ? 0 : times[times.Count / 2]);
    }
}
