using System.Numerics;
using System.Numerics.Tensors;

namespace RagStack.Training.Llama;

/// <summary>llama's RMSNorm per row: <c>y = x / sqrt(mean(x²) + eps) · g</c>, with a frozen gain <c>g</c>.</summary>
internal static class RmsNorm
{
    /// <summary>Normalizes each row of <paramref name="x"/> into <paramref name="y"/> and keeps each row's <c>1 / rms</c> for the backward pass.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gain, T epsilon, Span<T> y, Span<T> inverseRms)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var width = gain.Length;
        for (var r = 0; r < inverseRms.Length; r++)
        {
            var row = x.Slice(r * width, width);
            var meanSquare = TensorPrimitives.Dot(row, row) / T.CreateChecked(width);
            var inverse = T.One / T.Sqrt(meanSquare + epsilon);
            inverseRms[r] = inverse;
            var target = y.Slice(r * width, width);
            TensorPrimitives.Multiply(row, inverse, target);
            TensorPrimitives.Multiply(target, gain, target);
        }
    }

    /// <summary><c>dx += inv · (u − x̂ · mean(u · x̂))</c> with <c>u = dy · g</c> and <c>x̂ = x · inv</c>.</summary>
    public static void Backward<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> x, ReadOnlySpan<T> gain, ReadOnlySpan<T> inverseRms, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var width = gain.Length;
        Span<T> u = new T[width];
        Span<T> normalized = new T[width];
        for (var r = 0; r < inverseRms.Length; r++)
        {
            var inverse = inverseRms[r];
            TensorPrimitives.Multiply(dy.Slice(r * width, width), gain, u);
            TensorPrimitives.Multiply(x.Slice(r * width, width), inverse, normalized);
            var mean = TensorPrimitives.Dot(u, normalized) / T.CreateChecked(width);
            // u − x̂·mean, then scaled by inv and added to dx.
            TensorPrimitives.MultiplyAdd(normalized, -mean, u, u);
            var target = dx.Slice(r * width, width);
            TensorPrimitives.MultiplyAdd(u, inverse, target, target);
        }
    }
}
