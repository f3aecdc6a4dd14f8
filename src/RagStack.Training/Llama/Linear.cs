using System.Numerics;

namespace RagStack.Training.Llama;

/// <summary>Row-major matrix products of a projection: a weight of <c>outputs</c> rows of <c>inputs</c> (ggml [ne0 = in, ne1 = out]) applied to a batch of rows.</summary>
internal static class Linear
{
    /// <summary><c>y[r, o] = W[o] · x[r]</c>.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weight, int inputs, int outputs, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rows = x.Length / inputs;
        for (var r = 0; r < rows; r++)
        {
            var row = x.Slice(r * inputs, inputs);
            var target = y.Slice(r * outputs, outputs);
            for (var o = 0; o < outputs; o++)
            {
                target[o] = Vectors.Dot(weight.Slice(o * inputs, inputs), row);
            }
        }
    }

    /// <summary><c>dx[r] += Σ_o dy[r, o] · W[o]</c>: the gradient reaching the input.</summary>
    public static void BackwardInput<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> weight, int inputs, int outputs, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rows = dy.Length / outputs;
        for (var r = 0; r < rows; r++)
        {
            var target = dx.Slice(r * inputs, inputs);
            var gradient = dy.Slice(r * outputs, outputs);
            for (var o = 0; o < outputs; o++)
            {
                if (gradient[o] != T.Zero)
                {
                    Vectors.AddScaled(weight.Slice(o * inputs, inputs), gradient[o], target);
                }
            }
        }
    }

    /// <summary><c>dW[o] += scale · Σ_r dy[r, o] · x[r]</c>: the gradient of a trainable weight.</summary>
    public static void BackwardWeight<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> x, int inputs, int outputs, T scale, Span<T> dWeight)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rows = x.Length / inputs;
        for (var r = 0; r < rows; r++)
        {
            var row = x.Slice(r * inputs, inputs);
            for (var o = 0; o < outputs; o++)
            {
                var g = dy[(r * outputs) + o] * scale;
                if (g != T.Zero)
                {
                    var target = dWeight.Slice(o * inputs, inputs);
                    Vectors.AddScaled(row, g, target);
                }
            }
        }
    }
}
