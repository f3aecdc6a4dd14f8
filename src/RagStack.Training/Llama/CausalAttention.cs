using System.Numerics;
using System.Numerics.Tensors;

namespace RagStack.Training.Llama;

/// <summary>
/// Causal softmax attention with grouped-query heads: query head <c>h</c> reads key/value head <c>h / (heads / kvHeads)</c>,
/// scores scaled by <c>1 / sqrt(headDimension)</c>, as llama.cpp builds it.
/// </summary>
internal readonly record struct CausalAttention(int Heads, int KvHeads, int HeadDimension)
{
    private int Group => Heads / KvHeads;

    /// <summary>Writes each head's output into <paramref name="output"/> [rows, heads · headDimension] and the attention probabilities into <paramref name="probabilities"/> [heads, rows, rows].</summary>
    public void Forward<T>(ReadOnlySpan<T> q, ReadOnlySpan<T> k, ReadOnlySpan<T> v, Span<T> probabilities, Span<T> output)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (qWidth, kvWidth, d) = (Heads * HeadDimension, KvHeads * HeadDimension, HeadDimension);
        var rows = q.Length / qWidth;
        var scale = T.One / T.Sqrt(T.CreateChecked(d));
        output.Clear();
        probabilities.Clear();
        for (var h = 0; h < Heads; h++)
        {
            var kvHead = h / Group;
            for (var t = 0; t < rows; t++)
            {
                var query = q.Slice((t * qWidth) + (h * d), d);
                var p = probabilities.Slice(((h * rows) + t) * rows, t + 1);
                for (var s = 0; s <= t; s++)
                {
                    p[s] = Vectors.Dot(query, k.Slice((s * kvWidth) + (kvHead * d), d)) * scale;
                }

                TensorPrimitives.SoftMax(p, p);
                var target = output.Slice((t * qWidth) + (h * d), d);
                for (var s = 0; s <= t; s++)
                {
                    Vectors.AddScaled(v.Slice((s * kvWidth) + (kvHead * d), d), p[s], target);
                }
            }
        }
    }

    /// <summary>Adds the gradients of q, k and v for the output gradient <paramref name="dOutput"/>.</summary>
    public void Backward<T>(ReadOnlySpan<T> dOutput, ReadOnlySpan<T> q, ReadOnlySpan<T> k, ReadOnlySpan<T> v, ReadOnlySpan<T> probabilities, Span<T> dq, Span<T> dk, Span<T> dv)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (qWidth, kvWidth, d) = (Heads * HeadDimension, KvHeads * HeadDimension, HeadDimension);
        var rows = q.Length / qWidth;
        var scale = T.One / T.Sqrt(T.CreateChecked(d));
        Span<T> dp = new T[rows];
        for (var h = 0; h < Heads; h++)
        {
            var kvHead = h / Group;
            for (var t = 0; t < rows; t++)
            {
                var gradient = dOutput.Slice((t * qWidth) + (h * d), d);
                var p = probabilities.Slice(((h * rows) + t) * rows, t + 1);
                var dScore = dp[..(t + 1)];
                for (var s = 0; s <= t; s++)
                {
                    var kv = (s * kvWidth) + (kvHead * d);
                    dScore[s] = Vectors.Dot(gradient, v.Slice(kv, d));
                    var dValue = dv.Slice(kv, d);
                    Vectors.AddScaled(gradient, p[s], dValue);
                }

                // Softmax backward: ds = p · (dp − Σ p · dp), then the 1/sqrt(d) scale of the scores.
                var weighted = Vectors.Dot(p, dScore);
                TensorPrimitives.Subtract(dScore, weighted, dScore);
                TensorPrimitives.Multiply(dScore, p, dScore);
                TensorPrimitives.Multiply(dScore, scale, dScore);

                var query = q.Slice((t * qWidth) + (h * d), d);
                var dQuery = dq.Slice((t * qWidth) + (h * d), d);
                for (var s = 0; s <= t; s++)
                {
                    var kv = (s * kvWidth) + (kvHead * d);
                    Vectors.AddScaled(k.Slice(kv, d), dScore[s], dQuery);
                    var dKey = dk.Slice(kv, d);
                    Vectors.AddScaled(query, dScore[s], dKey);
                }
            }
        }
    }
}
