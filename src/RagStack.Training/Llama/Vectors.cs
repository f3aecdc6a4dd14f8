using System.Numerics;
using System.Numerics.Tensors;

namespace RagStack.Training.Llama;

/// <summary>
/// Dot products and scaled adds for the short vectors small models are made of (8-wide heads, rank-16 adapters): up to 16
/// elements a plain loop beats the vectorized call's fixed cost (attention on stories260K ran twice as fast); longer ones go
/// to TensorPrimitives.
/// </summary>
internal static class Vectors
{
    /// <summary><c>a · b</c>.</summary>
    public static T Dot<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Length > 16)
        {
            return TensorPrimitives.Dot(a, b);
        }

        var sum = T.Zero;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary><c>target += scale · x</c>.</summary>
    public static void AddScaled<T>(ReadOnlySpan<T> x, T scale, Span<T> target)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.Length > 16)
        {
            TensorPrimitives.MultiplyAdd(x, scale, target, target);
            return;
        }

        for (var i = 0; i < x.Length; i++)
        {
            target[i] += x[i] * scale;
        }
    }
}
