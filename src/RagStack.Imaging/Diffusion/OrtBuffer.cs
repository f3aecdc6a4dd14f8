using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace RagStack.Imaging.Diffusion;

/// <summary>
/// A tensor of one model input or output, in the element type the model's metadata names, over a managed array that is
/// allocated once and rewritten in place between runs (no tensor allocated per step).
/// </summary>
internal sealed class OrtBuffer : IDisposable
{
    private readonly float[]? _float;
    private readonly Float16[]? _half;
    private readonly long[]? _long;
    private readonly int[]? _int;

    private OrtBuffer(TensorElementType type, long[] shape, int length)
    {
        Type = type;
        Shape = shape;
        Length = length;
        switch (type)
        {
            case TensorElementType.Float:
                _float = new float[length];
                Value = OrtValue.CreateTensorValueFromMemory(_float, shape);
                break;
            case TensorElementType.Float16:
                _half = new Float16[length];
                Value = OrtValue.CreateTensorValueFromMemory(_half, shape);
                break;
            case TensorElementType.Int64:
                _long = new long[length];
                Value = OrtValue.CreateTensorValueFromMemory(_long, shape);
                break;
            case TensorElementType.Int32:
                _int = new int[length];
                Value = OrtValue.CreateTensorValueFromMemory(_int, shape);
                break;
            default:
                throw new NotSupportedException($"tensors of {type} are not supported (float, float16, int32 or int64)");
        }
    }

    public TensorElementType Type { get; }

    public long[] Shape { get; }

    public int Length { get; }

    public OrtValue Value { get; }

    public static bool Supports(TensorElementType type) =>
        type is TensorElementType.Float or TensorElementType.Float16 or TensorElementType.Int64 or TensorElementType.Int32;

    public static OrtBuffer Create(TensorElementType type, params long[] shape)
    {
        var length = checked((int)shape.Aggregate(1L, (a, b) => a * b));
        return new OrtBuffer(type, shape, length);
    }

    /// <summary>Writes <paramref name="values"/> from element <paramref name="offset"/>, converted to the buffer's type.</summary>
    public void Write(ReadOnlySpan<float> values, int offset = 0)
    {
        switch (Type)
        {
            case TensorElementType.Float:
                values.CopyTo(_float.AsSpan(offset));
                break;
            case TensorElementType.Float16:
                var half = MemoryMarshal.Cast<Float16, Half>(_half.AsSpan(offset, values.Length));
                for (var i = 0; i < values.Length; i++)
                {
                    half[i] = (Half)values[i];
                }

                break;
            case TensorElementType.Int64:
                for (var i = 0; i < values.Length; i++)
                {
                    _long![offset + i] = (long)Math.Round(values[i]);
                }

                break;
            default:
                for (var i = 0; i < values.Length; i++)
                {
                    _int![offset + i] = (int)Math.Round(values[i]);
                }

                break;
        }
    }

    /// <summary>Writes whole numbers (token ids), converted to the buffer's type.</summary>
    public void Write(ReadOnlySpan<long> values, int offset = 0)
    {
        for (var i = 0; i < values.Length; i++)
        {
            switch (Type)
            {
                case TensorElementType.Int64: _long![offset + i] = values[i]; break;
                case TensorElementType.Int32: _int![offset + i] = checked((int)values[i]); break;
                case TensorElementType.Float: _float![offset + i] = values[i]; break;
                default: MemoryMarshal.Cast<Float16, Half>(_half.AsSpan())[offset + i] = (Half)values[i]; break;
            }
        }
    }

    /// <summary>Reads the elements from <paramref name="offset"/> into <paramref name="destination"/> as floats.</summary>
    public void Read(Span<float> destination, int offset = 0)
    {
        switch (Type)
        {
            case TensorElementType.Float:
                _float.AsSpan(offset, destination.Length).CopyTo(destination);
                break;
            case TensorElementType.Float16:
                var half = MemoryMarshal.Cast<Float16, Half>(_half.AsSpan(offset, destination.Length));
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = (float)half[i];
                }

                break;
            default:
                throw new NotSupportedException($"reading {Type} as floats");
        }
    }

    public void Dispose() => Value.Dispose();
}
