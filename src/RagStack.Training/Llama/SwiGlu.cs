using System.Numerics;

namespace RagStack.Training.Llama;

/// <summary>llama's gated feed-forward activation: <c>silu(gate) · up</c>, the input of <c>ffn_down</c>.</summary>
internal static class SwiGlu
{
    public static void Forward<T>(ReadOnlySpan<T> gate, ReadOnlySpan<T> up, Span<T> output)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < output.Length; i++)
        {
            output[i] = gate[i] * Sigmoid(gate[i]) * up[i];
        }
    }

    /// <summary>Writes (not adds) the gradients of gate and up.</summary>
    public static void Backward<T>(ReadOnlySpan<T> dOutput, ReadOnlySpan<T> gate, ReadOnlySpan<T> up, Span<T> dGate, Span<T> dUp)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < dOutput.Length; i++)
        {
            var g = gate[i];
            var sigmoid = Sigmoid(g);
            dUp[i] = dOutput[i] * g * sigmoid;
            dGate[i] = dOutput[i] * up[i] * sigmoid * (T.One + (g * (T.One - sigmoid)));
        }
    }

    private static T Sigmoid<T>(T x)
        where T : unmanaged, IFloatingPointIeee754<T> => T.One / (T.One + T.Exp(-x));
}
