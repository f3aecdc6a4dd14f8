using System.Buffers.Binary;
using System.Text.Json;
using RagStack.Models.Gguf;

namespace RagStack.Models.Safetensors;

/// <summary>
/// A safetensors file (Hugging Face's weight format): an 8-byte little-endian header length, a JSON header naming each
/// tensor's dtype, shape and byte range, then the raw data. Only the header is read up front; tensors are read on demand.
/// </summary>
internal sealed class SafetensorsFile
{
    /// <summary>The safetensors specification caps the header at 100 MB; a larger length is corruption, not a big model.</summary>
    internal const long MaxHeaderBytes = 100_000_000;

    private const int HeaderLengthBytes = 8;
    private readonly Dictionary<string, SafetensorsTensor> _tensorsByName;

    private SafetensorsFile(string path, long dataOffset, List<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        DataOffset = dataOffset;
        Tensors = tensors.AsReadOnly();
        Metadata = metadata;
        _tensorsByName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    public string Path { get; }

    /// <summary>Absolute offset of the data section; tensor offsets are relative to it.</summary>
    public long DataOffset { get; }

    /// <summary>Tensors in the order of their data.</summary>
    public IReadOnlyList<SafetensorsTensor> Tensors { get; }

    /// <summary>The header's optional <c>__metadata__</c> string map (PEFT writes <c>format: pt</c>).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <exception cref="SafetensorsFormatException">The file is truncated, its header is too large or not valid JSON, or a tensor's bytes lie outside the data.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static SafetensorsFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        var length = stream.Length;
        if (length < HeaderLengthBytes)
        {
            throw new SafetensorsFormatException(path, $"truncated: the file has {length} bytes, fewer than the 8-byte header length");
        }

        Span<byte> prefix = stackalloc byte[HeaderLengthBytes];
        stream.ReadExactly(prefix);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxHeaderBytes)
        {
            throw new SafetensorsFormatException(path, $"header too large: it claims {headerLength} bytes, more than the {MaxHeaderBytes} the format allows (is this a safetensors file?)");
        }

        if ((long)headerLength > length - HeaderLengthBytes)
        {
            throw new SafetensorsFormatException(path, $"truncated: the header claims {headerLength} bytes but only {length - HeaderLengthBytes} follow");
        }

        var header = new byte[headerLength];
        stream.ReadExactly(header);
        var dataOffset = HeaderLengthBytes + (long)headerLength;
        var (tensors, metadata) = ParseHeader(path, header, length - dataOffset);
        return new SafetensorsFile(path, dataOffset, tensors, metadata);
    }

    public bool TryGetTensor(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SafetensorsTensor? tensor) =>
        _tensorsByName.TryGetValue(name, out tensor);

    /// <summary>Reads an F32, F16 or BF16 tensor as floats, in row-major order (the last dimension varies fastest).</summary>
    /// <exception cref="SafetensorsFormatException">The tensor has another dtype, or the file shrank since its header was read.</exception>
    public float[] ReadTensorAsFloats(SafetensorsTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var type = tensor.DType switch
        {
            "F32" => GgufTensorType.F32,
            "F16" => GgufTensorType.F16,
            "BF16" => GgufTensorType.BF16,
            _ => throw new SafetensorsFormatException(Path, $"tensor '{tensor.Name}' has dtype {tensor.DType}; only F32, F16 and BF16 can be read as floats"),
        };

        using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        if (stream.Length < DataOffset + tensor.End)
        {
            throw new SafetensorsFormatException(Path, $"truncated: tensor '{tensor.Name}' data lies past the end of the file (the file shrank since it was read)");
        }

        stream.Position = DataOffset + tensor.Begin;
        var bytes = new byte[tensor.End - tensor.Begin];
        stream.ReadExactly(bytes);

        // safetensors is little-endian like GGUF, so the GGUF decoder is the one place that knows these encodings.
        return GgufFloats.Decode(bytes, type);
    }

    private static (List<SafetensorsTensor> Tensors, Dictionary<string, string> Metadata) ParseHeader(string path, byte[] header, long dataLength)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw new SafetensorsFormatException(path, $"the header is not valid JSON ({e.Message})", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new SafetensorsFormatException(path, "the header is not a JSON object");
            }

            var tensors = new List<SafetensorsTensor>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in document.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                {
                    ReadMetadata(path, entry.Value, metadata);
                    continue;
                }

                tensors.Add(ReadTensor(path, entry.Name, entry.Value, dataLength));
            }

            tensors.Sort((a, b) => a.Begin.CompareTo(b.Begin));
            return (tensors, metadata);
        }
    }

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new SafetensorsFormatException(path, "__metadata__ is not a JSON object");
        }

        foreach (var item in value.EnumerateObject())
        {
            metadata[item.Name] = item.Value.ValueKind == JsonValueKind.String
                ? item.Value.GetString()!
                : throw new SafetensorsFormatException(path, $"__metadata__ '{item.Name}' is not a string");
        }
    }

    private static SafetensorsTensor ReadTensor(string path, string name, JsonElement value, long dataLength)
    {
        SafetensorsFormatException Bad(string reason) => new(path, $"tensor '{name}': {reason}");

        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out var offsetsElement) || offsetsElement.ValueKind != JsonValueKind.Array)
        {
            throw Bad("needs \"dtype\" (a string), \"shape\" and \"data_offsets\" (arrays)");
        }

        var dtype = dtypeElement.GetString()!;
        var shape = new long[shapeElement.GetArrayLength()];
        var elements = 1L;
        var i = 0;
        foreach (var dimension in shapeElement.EnumerateArray())
        {
            if (!dimension.TryGetInt64(out var size) || size < 0 || (size > 0 && elements > long.MaxValue / size))
            {
                throw Bad($"has an invalid shape {shapeElement.GetRawText()}");
            }

            shape[i++] = size;
            elements *= size;
        }

        if (offsetsElement.GetArrayLength() != 2
            || !offsetsElement[0].TryGetInt64(out var begin) || !offsetsElement[1].TryGetInt64(out var end)
            || begin < 0 || end < begin)
        {
            throw Bad($"has invalid data_offsets {offsetsElement.GetRawText()}");
        }

        if (end > dataLength)
        {
            throw Bad($"offsets out of range: its data [{begin}, {end}) ends past the {dataLength} bytes of data (truncated or corrupt file)");
        }

        var elementBytes = ElementBytes(dtype);
        if (elementBytes > 0 && (elements > long.MaxValue / elementBytes || end - begin != elements * elementBytes))
        {
            throw Bad($"shape {shapeElement.GetRawText()} of {dtype} needs {elements} x {elementBytes} bytes, but data_offsets span {end - begin}");
        }

        return new SafetensorsTensor(name, dtype, shape, begin, end);
    }

    /// <summary>Bytes per element of the dtypes whose size this reader checks; 0 for ones it passes through unchecked.</summary>
    private static int ElementBytes(string dtype) => dtype switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        "I8" or "U8" or "BOOL" => 1,
        _ => 0,
    };
}

/// <summary>One tensor in a safetensors header.</summary>
/// <param name="Name">The tensor's name, e.g. <c>base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight</c>.</param>
/// <param name="DType">The dtype as written: <c>F32</c>, <c>F16</c>, <c>BF16</c>, ….</param>
/// <param name="Shape">PyTorch order: the last dimension varies fastest.</param>
/// <param name="Begin">Start of the data, relative to the data section.</param>
/// <param name="End">End of the data (exclusive), relative to the data section.</param>
internal sealed record SafetensorsTensor(string Name, string DType, IReadOnlyList<long> Shape, long Begin, long End);
