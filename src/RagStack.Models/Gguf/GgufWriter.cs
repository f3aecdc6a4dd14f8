using System.Text;

namespace RagStack.Models.Gguf;

/// <summary>Builds a GGUF v3 file: metadata of every type and tensors, with data padded to <c>general.alignment</c> (32 unless set).</summary>
/// <remarks>Tensors can be given as bytes, as floats, or as a callback that streams their data at write time, so a
/// model larger than memory can be written without holding it.</remarks>
public sealed class GgufWriter
{
    private readonly OrderedDictionary<string, GgufValue> _metadata = new(StringComparer.Ordinal);
    private readonly List<PendingTensor> _tensors = [];
    private readonly HashSet<string> _tensorNames = new(StringComparer.Ordinal);

    /// <summary>Sets (or replaces) a metadata entry; entries are written in the order they were first set.</summary>
    public GgufWriter SetMetadata(string key, GgufValue value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        if (key == "general.alignment" && (value.Value is not uint a || a == 0 || (a & (a - 1)) != 0 || a > GgufFile.MaxAlignment))
        {
            throw new ArgumentException($"general.alignment must be a uint32 power of two up to {GgufFile.MaxAlignment}.", nameof(value));
        }

        _metadata[key] = value;
        return this;
    }

    /// <summary>Adds a tensor whose data (already in <paramref name="type"/>'s layout) is in memory.</summary>
    public GgufWriter AddTensor(string name, IReadOnlyList<long> shape, GgufTensorType type, ReadOnlyMemory<byte> data)
    {
        var size = Add(name, shape, type, null);
        if (data.Length != size)
        {
            _tensors.RemoveAt(_tensors.Count - 1);
            _tensorNames.Remove(name);
            throw new ArgumentException($"Tensor '{name}' of type {type} and shape {string.Join('x', shape)} takes {size} bytes, but {data.Length} were given.", nameof(data));
        }

        _tensors[^1] = _tensors[^1] with { Write = stream => stream.Write(data.Span) };
        return this;
    }

    /// <summary>Adds an F32, F16 or BF16 tensor from float values, converted to <paramref name="type"/> when written.</summary>
    public GgufWriter AddTensor(string name, IReadOnlyList<long> shape, GgufTensorType type, float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (GgufFloats.ElementBytes(type) == 0)
        {
            throw new ArgumentException($"Float values can be written as F32, F16 or BF16, not {type}.", nameof(type));
        }

        var size = Add(name, shape, type, null);
        if (values.LongLength * GgufFloats.ElementBytes(type) != size)
        {
            _tensors.RemoveAt(_tensors.Count - 1);
            _tensorNames.Remove(name);
            throw new ArgumentException($"Tensor '{name}' of shape {string.Join('x', shape)} has {size / GgufFloats.ElementBytes(type)} elements, but {values.Length} values were given.", nameof(values));
        }

        _tensors[^1] = _tensors[^1] with
        {
            Write = stream =>
            {
                var buffer = new byte[Math.Min(size, 1 << 20)];
                var perChunk = buffer.Length / GgufFloats.ElementBytes(type);
                for (var start = 0; start < values.Length; start += perChunk)
                {
                    var chunk = values.AsSpan(start, Math.Min(perChunk, values.Length - start));
                    var bytes = buffer.AsSpan(0, chunk.Length * GgufFloats.ElementBytes(type));
                    GgufFloats.Encode(chunk, type, bytes);
                    stream.Write(bytes);
                }
            },
        };
        return this;
    }

    /// <summary>Adds a tensor whose data <paramref name="writeData"/> streams at write time; it must write exactly the tensor's byte size.</summary>
    public GgufWriter AddTensor(string name, IReadOnlyList<long> shape, GgufTensorType type, Action<Stream> writeData)
    {
        ArgumentNullException.ThrowIfNull(writeData);
        Add(name, shape, type, writeData);
        return this;
    }

    /// <summary>Writes the file to a temporary name beside <paramref name="path"/> and moves it into place, so a failed write leaves no partial file.</summary>
    public void Write(string path) => AtomicFile.Write(path, WriteTo);

    private void WriteTo(FileStream file)
    {
        var alignment = _metadata.TryGetValue("general.alignment", out var alignmentValue) ? (int)alignmentValue.AsInt64() : GgufFile.DefaultAlignment;
        using var writer = new BinaryWriter(file, Encoding.UTF8, leaveOpen: true);
        writer.Write(GgufFile.Magic);
        writer.Write(3u);
        writer.Write((ulong)_tensors.Count);
        writer.Write((ulong)_metadata.Count);
        foreach (var (key, value) in _metadata)
        {
            WriteString(writer, key);
            writer.Write((uint)value.Type);
            WriteValue(writer, value);
        }

        var offset = 0L;
        foreach (var tensor in _tensors)
        {
            WriteString(writer, tensor.Name);
            writer.Write((uint)tensor.Shape.Length);
            foreach (var dimension in tensor.Shape)
            {
                writer.Write((ulong)dimension);
            }

            writer.Write((uint)tensor.Type);
            writer.Write((ulong)offset);
            offset = GgufFile.Align(offset + tensor.ByteSize, alignment);
        }

        writer.Flush();
        Pad(file, alignment);
        foreach (var tensor in _tensors)
        {
            var start = file.Position;
            tensor.Write!(file);
            var written = file.Position - start;
            if (written != tensor.ByteSize)
            {
                throw new InvalidOperationException($"Tensor '{tensor.Name}' should have {tensor.ByteSize} bytes of data, but its writer wrote {written}.");
            }

            Pad(file, alignment);
        }
    }

    private long Add(string name, IReadOnlyList<long> shape, GgufTensorType type, Action<Stream>? write)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Count is 0 or > GgufFile.MaxDimensions || shape.Any(d => d < 0))
        {
            throw new ArgumentException($"Tensor '{name}' needs 1 to {GgufFile.MaxDimensions} non-negative dimensions.", nameof(shape));
        }

        var size = GgufTensorTypes.ByteSize(type, shape)
            ?? throw new ArgumentException($"Tensor '{name}' of type {type} needs a row length that is a multiple of its block size, not {shape[0]}.", nameof(shape));
        if (!_tensorNames.Add(name))
        {
            throw new ArgumentException($"A tensor named '{name}' was already added.", nameof(name));
        }

        _tensors.Add(new PendingTensor(name, [.. shape], type, size, write));
        return size;
    }

    private static void Pad(Stream stream, int alignment)
    {
        var padding = (int)(GgufFile.Align(stream.Position, alignment) - stream.Position);
        Span<byte> zeros = padding <= 256 ? stackalloc byte[256] : new byte[padding];
        zeros[..padding].Clear();
        stream.Write(zeros[..padding]);
    }

    private static void WriteString(BinaryWriter writer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }

    private static void WriteValue(BinaryWriter writer, GgufValue value)
    {
        switch (value.Value)
        {
            case byte v: writer.Write(v); break;
            case sbyte v: writer.Write(v); break;
            case ushort v: writer.Write(v); break;
            case short v: writer.Write(v); break;
            case uint v: writer.Write(v); break;
            case int v: writer.Write(v); break;
            case float v: writer.Write(v); break;
            case bool v: writer.Write(v); break;
            case string v: WriteString(writer, v); break;
            case ulong v: writer.Write(v); break;
            case long v: writer.Write(v); break;
            case double v: writer.Write(v); break;
            case Array array:
                writer.Write((uint)value.ElementType!.Value);
                writer.Write((ulong)array.Length);
                WriteElements(writer, array);
                break;
            default:
                throw new InvalidOperationException($"Unexpected metadata value of type {value.Value.GetType()}.");
        }
    }

    private static void WriteElements(BinaryWriter writer, Array array)
    {
        switch (array)
        {
            case string[] strings:
                foreach (var s in strings)
                {
                    WriteString(writer, s);
                }

                break;
            case GgufValue[] arrays:
                foreach (var inner in arrays)
                {
                    WriteValue(writer, inner);
                }

                break;
            case bool[] bools:
                foreach (var b in bools)
                {
                    writer.Write(b);
                }

                break;
            case byte[] bytes:
                writer.Write(bytes);
                break;
            default:
                // Numeric arrays: .NET's layout is GGUF's little-endian layout.
                var span = System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(
                    ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(array),
                    checked(array.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<byte>() * ElementSize(array)));
                writer.Write(span);
                break;
        }
    }

    private static int ElementSize(Array array) => array switch
    {
        sbyte[] => 1,
        ushort[] or short[] => 2,
        uint[] or int[] or float[] => 4,
        _ => 8,
    };

    private sealed record PendingTensor(string Name, long[] Shape, GgufTensorType Type, long ByteSize, Action<Stream>? Write);
}
