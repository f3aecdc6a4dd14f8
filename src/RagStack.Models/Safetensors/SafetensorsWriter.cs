using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace RagStack.Models.Safetensors;

/// <summary>
/// Writes a safetensors file that <see cref="SafetensorsFile"/> and Hugging Face's <c>safetensors</c> library read: the 8-byte
/// little-endian header length, a JSON header (space-padded to a multiple of 8 bytes, as the Python library pads it) with
/// <c>__metadata__</c> and each tensor's dtype, shape and data_offsets, then the data. Tensors are F32.
/// </summary>
/// <remarks>Each tensor's values are asked for only when its turn comes to be written, so a model is never in memory whole.</remarks>
internal sealed class SafetensorsWriter
{
    private const int ElementBytes = 4;
    private readonly Dictionary<string, string> _metadata = new(StringComparer.Ordinal) { ["format"] = "pt" };
    private readonly List<PendingTensor> _tensors = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>Sets an entry of the header's <c>__metadata__</c> string map (<c>format: pt</c> is set already, as PyTorch writers set it).</summary>
    public SafetensorsWriter SetMetadata(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        _metadata[key] = value;
        return this;
    }

    /// <summary>Adds an F32 tensor of PyTorch <paramref name="shape"/> (last dimension fastest) whose row-major values <paramref name="values"/> gives at write time.</summary>
    public SafetensorsWriter AddF32(string name, IReadOnlyList<long> shape, Func<float[]> values)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(values);
        if (name == "__metadata__" || shape.Any(d => d < 0))
        {
            throw new ArgumentException($"Tensor '{name}' needs a name other than __metadata__ and non-negative dimensions.", nameof(name));
        }

        if (!_names.Add(name))
        {
            throw new ArgumentException($"A tensor named '{name}' was already added.", nameof(name));
        }

        _tensors.Add(new PendingTensor(name, [.. shape], shape.Aggregate(1L, (product, d) => checked(product * d)), values));
        return this;
    }

    /// <summary>Writes the file to a temporary name beside <paramref name="path"/> and moves it into place, so a failed write leaves no partial file.</summary>
    /// <exception cref="InvalidOperationException">A tensor's values do not match its shape.</exception>
    public void Write(string path) => AtomicFile.Write(path, WriteTo);

    private void WriteTo(FileStream file)
    {
        var header = Header();
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        file.Write(length);
        file.Write(header);
        foreach (var tensor in _tensors)
        {
            var values = tensor.Values();
            if (values.LongLength != tensor.ElementCount)
            {
                throw new InvalidOperationException($"Tensor '{tensor.Name}' of shape [{string.Join(", ", tensor.Shape)}] needs {tensor.ElementCount} values, but {values.LongLength} were given.");
            }

            // safetensors is little-endian, as .NET lays floats out on every platform it runs on here.
            file.Write(MemoryMarshal.AsBytes(values.AsSpan()));
        }
    }

    private byte[] Header()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("__metadata__");
            foreach (var (key, value) in _metadata)
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
            var offset = 0L;
            foreach (var tensor in _tensors)
            {
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (var dimension in tensor.Shape)
                {
                    json.WriteNumberValue(dimension);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += tensor.ElementCount * ElementBytes;
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        // The Python library pads the header with spaces so the data starts 8-byte aligned; readers mapping the data rely on it.
        var padding = (int)((8 - (buffer.Length % 8)) % 8);
        for (var i = 0; i < padding; i++)
        {
            buffer.WriteByte((byte)' ');
        }

        if (buffer.Length > SafetensorsFile.MaxHeaderBytes)
        {
            throw new InvalidOperationException($"The header would take {buffer.Length} bytes, more than the {SafetensorsFile.MaxHeaderBytes} the safetensors format allows.");
        }

        return buffer.ToArray();
    }

    private sealed record PendingTensor(string Name, long[] Shape, long ElementCount, Func<float[]> Values);
}
