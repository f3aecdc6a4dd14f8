using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using RagStack.Embeddings;
using RagStack.Ingestion.Partitioning;

namespace RagStack.Retrieval;

/// <summary>
/// The built-in reranker (<see cref="RerankMethod.Sentences"/>), which needs no weights of its own: every candidate's
/// sentences are embedded by the index's model in one call, and a candidate scores its best sentence's cosine with the
/// query plus its own. A paraphrased question usually restates one sentence; the passage's other sentences dilute that
/// match in the passage's single vector, not in its best sentence's.
/// </summary>
internal sealed class SentenceReranker(IEmbeddingGenerator<string, Embedding<float>> embeddings) : IReranker
{
    public RerankMethod Method => RerankMethod.Sentences;

    public async Task<IReadOnlyList<double>> ScoreAsync(RerankRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var texts = new List<string>();
        var owners = new List<int>();
        for (var i = 0; i < request.Candidates.Count; i++)
        {
            var chunk = request.Candidates[i];
            if (chunk.Vector.IsEmpty)
            {
                // A keyword-only candidate comes without its vector: its whole text stands for it.
                texts.Add(chunk.Text);
                owners.Add(~i);
            }

            foreach (var (start, length) in Sentences.Spans(chunk.Text))
            {
                texts.Add(chunk.Text.Substring(start, length));
                owners.Add(i);
            }
        }

        var scores = new double[request.Candidates.Count];
        var best = new double[request.Candidates.Count];
        for (var i = 0; i < scores.Length; i++)
        {
            var own = request.Candidates[i].Vector;
            scores[i] = own.IsEmpty ? 0 : Cosine(request.QueryVector.Span, own.Span);
        }

        if (texts.Count > 0)
        {
            var vectors = await embeddings.GenerateAsync(texts, options: null, cancellationToken);
            Array.Fill(best, double.NegativeInfinity);
            for (var t = 0; t < texts.Count; t++)
            {
                var cosine = Cosine(request.QueryVector.Span, vectors[t].Vector.Span);
                if (owners[t] < 0)
                {
                    scores[~owners[t]] = cosine;
                }
                else
                {
                    best[owners[t]] = Math.Max(best[owners[t]], cosine);
                }
            }
        }

        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] += double.IsNegativeInfinity(best[i]) ? scores[i] : best[i];
        }

        return scores;
    }

    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => TensorPrimitives.CosineSimilarity(a, b);
}
