using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace RagStack.Models.Gguf;

/// <summary>Converts between floats and the unquantized GGUF element types (F32, F16, BF16).</summary>
internal static class GgufFloats
{
    /// <summary>Bytes per element of an unquantized float type, or 0 for any other type.</summary>
    public static int ElementBytes(GgufTensorType type) => type switch
    {
        GgufTensorType.F32 => 4,
        GgufTensorType.F16 or GgufTensorType.BF16 => 2,
        _ => 0,
    };

    /// <summary>Encodes <paramref name="values"/> as <paramref name="type"/> into <paramref name="destination"/>, which must be exactly large enough.</summary>
    public static void Encode(ReadOnlySpan<float> values, GgufTensorType type, Span<byte> destination)
    {
        switch (type)
        {
            case GgufTensorType.F32:
                MemoryMarshal.AsBytes(values).CopyTo(destination);
                break;
            case GgufTensorType.F16:
                var halves = MemoryMarshal.Cast<byte, Half>(destination);
                for (var i = 0; i < values.Length; i++)
                {
                    halves[i] = (Half)values[i];
                }

                break;
            case GgufTensorType.BF16:
                var words = MemoryMarshal.Cast<byte, ushort>(destination);
                for (var i = 0; i < values.Length; i++)
                {
                    words[i] = ToBFloat16(values[i]);
                }

                break;
            default:
                throw new NotSupportedException($"Cannot write {type} tensors from floats; only F32, F16 and BF16 (quantize with GgufQuantizer).");
        }
    }

    /// <summary>Decodes an F32, F16, BF16 or Q8_0 tensor's bytes to floats.</summary>
    public static float[] Decode(ReadOnlySpan<byte> bytes, GgufTensorType type)
    {
        switch (type)
        {
            case GgufTensorType.F32:
                return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
            case GgufTensorType.F16:
                var halves = MemoryMarshal.Cast<byte, Half>(bytes);
                var fromHalves = new float[halves.Length];
                for (var i = 0; i < halves.Length; i++)
                {
                    fromHalves[i] = (float)halves[i];
                }

                return fromHalves;
            case GgufTensorType.BF16:
                var fromWords = new float[bytes.Length / 2];
                for (var i = 0; i < fromWords.Length; i++)
                {
                    fromWords[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]) << 16);
                }

                return fromWords;
            case GgufTensorType.Q8_0:
                return DecodeQ8_0(bytes);
            default:
                throw new NotSupportedException($"Tensor type {type} is quantized; only F32, F16, BF16 and Q8_0 tensors can be read as floats.");
        }
    }

    /// <summary>Q8_0 blocks: an F16 scale and 32 signed bytes; each value is scale × byte.</summary>
    private static float[] DecodeQ8_0(ReadOnlySpan<byte> bytes)
    {
        const int BlockValues = 32, BlockBytes = 34;
        if (bytes.Length % BlockBytes != 0)
        {
            throw new ArgumentException($"Q8_0 data is {bytes.Length} bytes, not a whole number of {BlockBytes}-byte blocks.", nameof(bytes));
        }

        var values = new float[bytes.Length / BlockBytes * BlockValues];
        for (int block = 0, offset = 0; offset < bytes.Length; block++, offset += BlockBytes)
        {
            var scale = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[offset..]);
            var quants = MemoryMarshal.Cast<byte, sbyte>(bytes.Slice(offset + 2, BlockValues));
            for (var i = 0; i < BlockValues; i++)
            {
                values[(block * BlockValues) + i] = scale * quants[i];
            }
        }

        return values;
    }

    private static ushort ToBFloat16(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x40); // keep it a NaN after truncation
        }

        // Round to nearest even, as ggml's fp32 → bf16 conversion does.
        return (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
    }
}
