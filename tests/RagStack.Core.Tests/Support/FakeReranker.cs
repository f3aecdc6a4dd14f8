using RagStack.Chunks;
using RagStack.Retrieval;

namespace RagStack.Core.Tests.Support;

/// <summary>A reranker whose scores a test chooses, counting how many candidates it was asked to score.</summary>
internal sealed class FakeReranker(RerankMethod method, Func<ChunkRecord, double> score) : IReranker
{
    public RerankMethod Method => method;

    public int Scored { get; private set; }

    public Task<IReadOnlyList<double>> ScoreAsync(RerankRequest request, CancellationToken cancellationToken = default)
    {
        Scored += request.Candidates.Count;
        return Task.FromResult<IReadOnlyList<double>>(request.Candidates.Select(score).ToList());
    }
}
