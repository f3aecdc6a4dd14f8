using System.Text;

namespace RagStack.Models.Gguf;

/// <summary>A GGUF file's header, metadata and tensor descriptions; tensor data stays on disk until asked for, because models are gigabytes.</summary>
public sealed class GgufFile
{
    /// <summary>The alignment of tensor data when a file does not set <c>general.alignment</c>.</summary>
    public const int DefaultAlignment = 32;

    internal const uint Magic = 0x46554747; // "GGUF" read as a little-endian uint32
    internal const int MaxDimensions = 4;    // GGML_MAX_DIMS
    internal const int MaxAlignment = 1 << 20; // real files use 32; anything near this is corrupt

    private readonly Dictionary<string, GgufTensorInfo> _tensorsByName;

    private GgufFile(string path, uint version, long fileSize, OrderedDictionary<string, GgufValue> metadata, List<GgufTensorInfo> tensors, int alignment, long dataOffset)
    {
        Path = path;
        Version = version;
        FileSize = fileSize;
        Metadata = new System.Collections.ObjectModel.ReadOnlyDictionary<string, GgufValue>(metadata); // keeps the file's order
        Tensors = tensors.AsReadOnly();
        Alignment = alignment;
        DataOffset = dataOffset;
        _tensorsByName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The file that was read.</summary>
    public string Path { get; }

    /// <summary>GGUF format version (2 or 3).</summary>
    public uint Version { get; }

    /// <summary>Size of the file in bytes when it was read.</summary>
    public long FileSize { get; }

    /// <summary>Metadata entries in file order.</summary>
    public IReadOnlyDictionary<string, GgufValue> Metadata { get; }

    /// <summary>Tensor descriptions in file order.</summary>
    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    /// <summary>Alignment of tensor data: <c>general.alignment</c>, else 32.</summary>
    public int Alignment { get; }

    /// <summary>Absolute file offset where the data section starts; tensor offsets are relative to it.</summary>
    public long DataOffset { get; }

    /// <summary>Reads the header, metadata and tensor descriptions of <paramref name="path"/>, but no tensor data.</summary>
    /// <exception cref="GgufFormatException">The file is not a usable GGUF file; the message says why.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static GgufFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        return new GgufHeaderReader(path, stream).Read((version, metadata, tensors, alignment, dataOffset) =>
            new GgufFile(path, version, stream.Length, metadata, tensors, alignment, dataOffset));
    }

    /// <summary>The description of tensor <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The file has no such tensor.</exception>
    public GgufTensorInfo GetTensor(string name) =>
        _tensorsByName.TryGetValue(name, out var tensor) ? tensor : throw new KeyNotFoundException($"{Path}: no tensor named '{name}'.");

    /// <summary>Looks up a tensor by name.</summary>
    public bool TryGetTensor(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out GgufTensorInfo? tensor) =>
        _tensorsByName.TryGetValue(name, out tensor);

    /// <summary>Reads the raw bytes of tensor <paramref name="name"/> from disk (as stored: quantized blocks stay quantized).</summary>
    public byte[] ReadTensorBytes(string name) => ReadTensorBytes(GetTensor(name));

    /// <summary>Reads the raw bytes of one of this file's tensors from disk.</summary>
    public byte[] ReadTensorBytes(GgufTensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.ByteSize > Array.MaxLength)
        {
            throw new NotSupportedException($"{Path}: tensor '{tensor.Name}' has {tensor.ByteSize} bytes, more than one array can hold; stream it instead.");
        }

        using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        if (stream.Length < DataOffset + tensor.Offset + tensor.ByteSize)
        {
            throw new GgufFormatException(Path, $"tensor '{tensor.Name}' data lies past the end of the file (the file shrank since it was read)");
        }

        stream.Position = DataOffset + tensor.Offset;
        var bytes = new byte[tensor.ByteSize];
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>Reads an F32, F16, BF16 or Q8_0 tensor as floats (Q8_0 dequantized).</summary>
    /// <exception cref="NotSupportedException">The tensor has another quantized type.</exception>
    public float[] ReadTensorAsFloats(string name)
    {
        var tensor = GetTensor(name);
        return GgufFloats.Decode(ReadTensorBytes(tensor), tensor.Type);
    }

    /// <summary>Parses the part of a GGUF file before the data section, refusing anything that would read past the end or allocate without bound.</summary>
    private sealed class GgufHeaderReader(string path, FileStream stream)
    {
        private const int MaxArrayNesting = 8;
        private const int MaxStringBytes = 64 << 20; // chat templates and token texts are kilobytes; 64 MiB is already absurd
        private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

        private readonly BinaryReader _reader = new(stream, Encoding.UTF8, leaveOpen: true);
        private readonly long _length = stream.Length;

        private long Remaining => _length - stream.Position;

        public T Read<T>(Func<uint, OrderedDictionary<string, GgufValue>, List<GgufTensorInfo>, int, long, T> create)
        {
            try
            {
                return ReadCore(create);
            }
            catch (EndOfStreamException e)
            {
                throw Fail($"truncated: the file ends at byte {_length} in the middle of the header", e);
            }
            catch (DecoderFallbackException e)
            {
                throw Fail($"a string near byte {stream.Position} is not valid UTF-8", e);
            }
        }

        private T ReadCore<T>(Func<uint, OrderedDictionary<string, GgufValue>, List<GgufTensorInfo>, int, long, T> create)
        {
            if (_length < 4 || _reader.ReadUInt32() != Magic)
            {
                throw Fail("not a GGUF file (it does not start with the magic bytes \"GGUF\")");
            }

            var version = _reader.ReadUInt32();
            if (version is not (2 or 3))
            {
                throw Fail(version is 1
                    ? "unsupported GGUF version 1 (this reader supports versions 2 and 3)"
                    : version is 0x02000000 or 0x03000000
                        ? "big-endian GGUF files are not supported"
                        : $"unsupported GGUF version {version} (this reader supports versions 2 and 3)");
            }

            var tensorCount = _reader.ReadUInt64();
            var kvCount = _reader.ReadUInt64();

            // Every tensor description takes at least 24 bytes and every metadata entry 13, so counts beyond what the file can
            // hold are corrupt; checking them first keeps a flipped bit from turning into a multi-gigabyte allocation.
            CheckCount(kvCount, 13, "metadata entry count");
            CheckCount(tensorCount, 24, "tensor count");

            var metadata = new OrderedDictionary<string, GgufValue>(StringComparer.Ordinal);
            for (var i = 0UL; i < kvCount; i++)
            {
                var key = ReadString("metadata key");
                var type = ReadValueType($"metadata '{key}'");
                var value = ReadValue(type, key, depth: 0);
                if (!metadata.TryAdd(key, value))
                {
                    throw Fail($"metadata key '{key}' appears twice");
                }
            }

            var alignment = DefaultAlignment;
            if (metadata.TryGetValue("general.alignment", out var alignmentValue))
            {
                if (alignmentValue.Value is not uint a || a == 0 || (a & (a - 1)) != 0 || a > MaxAlignment)
                {
                    throw Fail($"general.alignment must be a uint32 power of two, found {alignmentValue.Type} {alignmentValue}");
                }

                alignment = (int)a;
            }

            var tensors = new List<GgufTensorInfo>((int)tensorCount);
            var names = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0UL; i < tensorCount; i++)
            {
                var tensor = ReadTensorInfo(alignment);
                if (!names.Add(tensor.Name))
                {
                    throw Fail($"tensor '{tensor.Name}' appears twice");
                }

                tensors.Add(tensor);
            }

            var dataOffset = Align(stream.Position, alignment);
            var dataLength = _length - dataOffset;
            foreach (var tensor in tensors)
            {
                if (tensor.Offset > dataLength || tensor.ByteSize > dataLength - tensor.Offset)
                {
                    throw Fail($"truncated: tensor '{tensor.Name}' data ({tensor.ByteSize} bytes at {dataOffset + tensor.Offset}) lies past the end of the file ({_length} bytes)");
                }
            }

            return create(version, metadata, tensors, alignment, dataOffset);
        }

        private GgufTensorInfo ReadTensorInfo(int alignment)
        {
            var name = ReadString("tensor name");
            var dimensions = _reader.ReadUInt32();
            if (dimensions is 0 or > MaxDimensions)
            {
                throw Fail($"tensor '{name}' has {dimensions} dimensions (ggml allows 1 to {MaxDimensions})");
            }

            var shape = new long[dimensions];
            var elements = 1L;
            for (var d = 0; d < dimensions; d++)
            {
                var size = _reader.ReadUInt64();
                if (size > long.MaxValue || (size > 0 && elements > long.MaxValue / (long)size))
                {
                    throw Fail($"tensor '{name}' has an absurd shape (dimension {d} is {size})");
                }

                shape[d] = (long)size;
                elements *= (long)size;
            }

            var rawType = _reader.ReadUInt32();
            var type = (GgufTensorType)rawType;
            if (GgufTensorTypes.Layout(type) is null)
            {
                throw Fail($"tensor '{name}' has unknown type {rawType}");
            }

            long byteSize;
            try
            {
                byteSize = GgufTensorTypes.ByteSize(type, shape)
                    ?? throw Fail($"tensor '{name}' of type {type} has rows of {shape[0]} elements, not a whole number of blocks");
            }
            catch (OverflowException)
            {
                throw Fail($"tensor '{name}' has an absurd shape ({string.Join('x', shape)})");
            }

            var offset = _reader.ReadUInt64();
            if (offset > long.MaxValue || offset % (ulong)alignment != 0)
            {
                throw Fail($"tensor '{name}' has offset {offset}, which is not a multiple of the alignment {alignment}");
            }

            return new GgufTensorInfo(name, shape, type, (long)offset, byteSize);
        }

        private GgufValueType ReadValueType(string what)
        {
            var raw = _reader.ReadUInt32();
            return raw <= (uint)GgufValueType.Float64 ? (GgufValueType)raw : throw Fail($"{what} has unknown value type {raw}");
        }

        private GgufValue ReadValue(GgufValueType type, string key, int depth) => type switch
        {
            GgufValueType.UInt8 => GgufValue.Of(_reader.ReadByte()),
            GgufValueType.Int8 => GgufValue.Of(_reader.ReadSByte()),
            GgufValueType.UInt16 => GgufValue.Of(_reader.ReadUInt16()),
            GgufValueType.Int16 => GgufValue.Of(_reader.ReadInt16()),
            GgufValueType.UInt32 => GgufValue.Of(_reader.ReadUInt32()),
            GgufValueType.Int32 => GgufValue.Of(_reader.ReadInt32()),
            GgufValueType.Float32 => GgufValue.Of(_reader.ReadSingle()),
            GgufValueType.Bool => GgufValue.Of(ReadBool(key)),
            GgufValueType.String => GgufValue.Of(ReadString($"metadata '{key}'")),
            GgufValueType.UInt64 => GgufValue.Of(_reader.ReadUInt64()),
            GgufValueType.Int64 => GgufValue.Of(_reader.ReadInt64()),
            GgufValueType.Float64 => GgufValue.Of(_reader.ReadDouble()),
            GgufValueType.Array => ReadArray(key, depth),
            _ => throw Fail($"metadata '{key}' has unknown value type {(uint)type}"),
        };

        private GgufValue ReadArray(string key, int depth)
        {
            if (depth >= MaxArrayNesting)
            {
                throw Fail($"metadata '{key}' nests arrays more than {MaxArrayNesting} deep");
            }

            var elementType = ReadValueType($"metadata '{key}' array");
            var count = _reader.ReadUInt64();
            var minElementBytes = elementType switch
            {
                GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
                GgufValueType.UInt16 or GgufValueType.Int16 => 2,
                GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
                GgufValueType.Array => 12,
                _ => 8, // 64-bit numbers, and strings (their length alone is 8 bytes)
            };
            CheckCount(count, minElementBytes, $"element count of metadata '{key}'");
            var n = (int)count;

            switch (elementType)
            {
                case GgufValueType.String:
                    var strings = new string[n];
                    for (var i = 0; i < n; i++)
                    {
                        strings[i] = ReadString($"metadata '{key}'");
                    }

                    return GgufValue.Of(strings);
                case GgufValueType.Bool:
                    var bools = new bool[n];
                    for (var i = 0; i < n; i++)
                    {
                        bools[i] = ReadBool(key);
                    }

                    return GgufValue.Of(bools);
                case GgufValueType.Array:
                    var arrays = new GgufValue[n];
                    for (var i = 0; i < n; i++)
                    {
                        arrays[i] = ReadArray(key, depth + 1);
                    }

                    return GgufValue.Of(arrays);
                default:
                    var values = elementType switch
                    {
                        GgufValueType.UInt8 => (Array)new byte[n],
                        GgufValueType.Int8 => new sbyte[n],
                        GgufValueType.UInt16 => new ushort[n],
                        GgufValueType.Int16 => new short[n],
                        GgufValueType.UInt32 => new uint[n],
                        GgufValueType.Int32 => new int[n],
                        GgufValueType.Float32 => new float[n],
                        GgufValueType.UInt64 => new ulong[n],
                        GgufValueType.Int64 => new long[n],
                        _ => new double[n],
                    };

                    // Numeric arrays are stored little-endian, exactly as .NET lays them out on every platform it runs on here.
                    var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(ArraySpan(values));
                    _reader.BaseStream.ReadExactly(bytes);
                    return GgufValue.Array(elementType, values);
            }
        }

        private static Span<byte> ArraySpan(Array values) => values switch
        {
            byte[] a => a,
            sbyte[] a => System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()),
            ushort[] a => System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()),
            short[] a => System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()),
            uint[] a => System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()),
            int[] a => System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()),
            float[] a => System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()),
            ulong[] a => System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()),
            long[] a => System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()),
            double[] a => System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()),
            _ => throw new ArgumentException("Not a numeric array.", nameof(values)),
        };

        private bool ReadBool(string key)
        {
            var b = _reader.ReadByte();
            return b <= 1 ? b == 1 : throw Fail($"metadata '{key}' holds a bool that is neither 0 nor 1 ({b})");
        }

        private string ReadString(string what)
        {
            var length = _reader.ReadUInt64();
            if (length > (ulong)Remaining)
            {
                throw Fail($"truncated: {what} at byte {stream.Position - 8} claims {length} bytes but only {Remaining} remain");
            }

            if (length > MaxStringBytes)
            {
                throw Fail($"{what} at byte {stream.Position - 8} claims {length} bytes, more than any GGUF string this reader accepts ({MaxStringBytes})");
            }

            var bytes = _reader.ReadBytes((int)length);
            return StrictUtf8.GetString(bytes);
        }

        private void CheckCount(ulong count, int minBytesEach, string what)
        {
            if (count > (ulong)Array.MaxLength)
            {
                throw Fail($"absurd {what} {count}: the {Remaining} bytes left in the file cannot hold that many");
            }

            if (count * (ulong)minBytesEach > (ulong)Remaining)
            {
                throw Fail($"truncated: {what} is {count}, but the {Remaining} bytes left in the file cannot hold that many");
            }
        }

        private GgufFormatException Fail(string reason, Exception? inner = null) => new(path, reason, inner);
    }

    internal static long Align(long offset, int alignment) => (offset + alignment - 1) / alignment * alignment;
}
