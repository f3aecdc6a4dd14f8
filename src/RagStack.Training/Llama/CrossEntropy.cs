using System.Numerics;
using System.Numerics.Tensors;

namespace RagStack.Training.Llama;

/// <summary>Next-token cross-entropy: row <c>t</c> of the logits predicts <c>targets[t]</c>.</summary>
internal static class CrossEntropy
{
    /// <summary>Returns <c>Σ −log softmax(logits[t])[targets[t]]</c> and writes <c>(softmax − onehot) · gradientScale</c> into <paramref name="dLogits"/>.</summary>
    public static T Forward<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> targets, T gradientScale, Span<T> dLogits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var vocabulary = logits.Length / Math.Max(1, targets.Length);
        var total = T.Zero;
        for (var t = 0; t < targets.Length; t++)
        {
            var row = logits.Slice(t * vocabulary, vocabulary);
            var gradient = dLogits.Slice(t * vocabulary, vocabulary);
            var max = TensorPrimitives.Max(row);
            TensorPrimitives.Subtract(row, max, gradient);
            TensorPrimitives.Exp(gradient, gradient);
            var sum = TensorPrimitives.Sum<T>(gradient);
            total += T.Log(sum) - (row[targets[t]] - max);
            TensorPrimitives.Multiply(gradient, gradientScale / sum, gradient);
            gradient[targets[t]] -= gradientScale;
        }

        return total;
    }
}
