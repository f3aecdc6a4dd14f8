using RagStack.Chunks;

namespace RagStack.Retrieval;

/// <summary>Which reranker re-orders hybrid retrieval's best candidates: <c>RagStack:Retrieval:Rerank</c>.</summary>
public enum RerankMethod
{
    /// <summary>No rerank: the fused order stands.</summary>
    None,

    /// <summary>
    /// Built in, needs no weights: each candidate is scored by its best sentence's cosine with the query under the index's
    /// embedding model, plus its own cosine, so a passage whose one sentence answers is not diluted by the rest.
    /// </summary>
    Sentences,

    /// <summary>An ONNX cross-encoder in the sentence-transformers export layout, read from <c>RagStack:CrossEncoder:Path</c> (<c>AddOnnxReranker</c>).</summary>
    CrossEncoder,
}

/// <summary>
/// A second, costlier opinion on a query's best candidates, after fusion: it scores each candidate against the query and
/// the candidates are ordered by that score. Register one with <c>TryAddEnumerable</c>; <c>RagStack:Retrieval:Rerank</c>
/// chooses among those registered by <see cref="Method"/>.
/// </summary>
public interface IReranker
{
    /// <summary>The <c>RagStack:Retrieval:Rerank</c> value that selects this reranker.</summary>
    RerankMethod Method { get; }

    /// <summary>One relevance score per candidate, in the candidates' order; higher is more relevant. Scores compare within one call only.</summary>
    Task<IReadOnlyList<double>> ScoreAsync(RerankRequest request, CancellationToken cancellationToken = default);
}

/// <summary>What a reranker scores: the query, its embedding (for rerankers that use the index's model) and the candidates.</summary>
public sealed record RerankRequest(string Query, ReadOnlyMemory<float> QueryVector, IReadOnlyList<ChunkRecord> Candidates);
