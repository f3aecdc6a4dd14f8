using System.Numerics;

namespace RagStack.Training.Llama;

/// <summary>
/// Rotary position embedding as llama.cpp applies it to llama models ("normal" mode): GGUF stores query and key rows so that
/// elements 2i and 2i + 1 of a head form a pair, rotated by <c>position · base^(−2i / rotaryDimensions)</c>.
/// </summary>
internal sealed class Rope<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int _pairs;
    private readonly T[] _cos;
    private readonly T[] _sin;

    public Rope(int rotaryDimensions, double frequencyBase, int positions)
    {
        _pairs = rotaryDimensions / 2;
        _cos = new T[positions * _pairs];
        _sin = new T[positions * _pairs];
        for (var p = 0; p < positions; p++)
        {
            for (var i = 0; i < _pairs; i++)
            {
                var angle = p * Math.Pow(frequencyBase, -2.0 * i / rotaryDimensions);
                _cos[(p * _pairs) + i] = T.CreateChecked(Math.Cos(angle));
                _sin[(p * _pairs) + i] = T.CreateChecked(Math.Sin(angle));
            }
        }
    }

    public int Positions => _cos.Length / Math.Max(1, _pairs);

    /// <summary>Rotates every head of every row (row index = position) in place.</summary>
    public void Forward(Span<T> x, int heads, int headDimension) => Rotate(x, heads, headDimension, T.One);

    /// <summary>The gradient through the rotation: the same rotation by the opposite angle, in place.</summary>
    public void Backward(Span<T> dy, int heads, int headDimension) => Rotate(dy, heads, headDimension, -T.One);

    private void Rotate(Span<T> x, int heads, int headDimension, T direction)
    {
        var width = heads * headDimension;
        var rows = x.Length / width;
        for (var p = 0; p < rows; p++)
        {
            var cos = _cos.AsSpan(p * _pairs, _pairs);
            var sin = _sin.AsSpan(p * _pairs, _pairs);
            for (var h = 0; h < heads; h++)
            {
                var head = x.Slice((p * width) + (h * headDimension), headDimension);
                for (var i = 0; i < _pairs; i++)
                {
                    var (x0, x1) = (head[2 * i], head[(2 * i) + 1]);
                    var s = direction * sin[i];
                    head[2 * i] = (x0 * cos[i]) - (x1 * s);
                    head[(2 * i) + 1] = (x0 * s) + (x1 * cos[i]);
                }
            }
        }
    }
}
