using RagStack.Models.Gguf;

namespace RagStack.Models.Tests.Gguf;

public sealed class GgufWriterTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string, GgufValue> EveryMetadataType() => new()
    {
        { "t.u8", GgufValue.Of((byte)200) },
        { "t.i8", GgufValue.Of((sbyte)-100) },
        { "t.u16", GgufValue.Of((ushort)60000) },
        { "t.i16", GgufValue.Of((short)-30000) },
        { "t.u32", GgufValue.Of(4_000_000_000u) },
        { "t.i32", GgufValue.Of(-2_000_000_000) },
        { "t.f32", GgufValue.Of(3.25f) },
        { "t.bool", GgufValue.Of(true) },
        { "t.string", GgufValue.Of("héllo ▁wörld {{ bos_token }}") },
        { "t.u64", GgufValue.Of(ulong.MaxValue - 7) },
        { "t.i64", GgufValue.Of(long.MinValue + 3) },
        { "t.f64", GgufValue.Of(Math.PI) },
        { "t.empty-string", GgufValue.Of("") },
        { "t.u8s", GgufValue.Of(new byte[] { 0, 1, 255 }) },
        { "t.i8s", GgufValue.Of(new sbyte[] { -128, 0, 127 }) },
        { "t.u16s", GgufValue.Of(new ushort[] { 1, 65535 }) },
        { "t.i16s", GgufValue.Of(new short[] { -1, 2 }) },
        { "t.u32s", GgufValue.Of(new uint[] { 7, uint.MaxValue }) },
        { "t.i32s", GgufValue.Of(new[] { 1, -2, 3 }) },
        { "t.f32s", GgufValue.Of(new[] { 0.5f, -1e-5f, float.MaxValue }) },
        { "t.bools", GgufValue.Of(new[] { true, false, true }) },
        { "t.strings", GgufValue.Of(new[] { "<unk>", "▁the", "", "<0x0A>" }) },
        { "t.u64s", GgufValue.Of(new ulong[] { 0, ulong.MaxValue }) },
        { "t.i64s", GgufValue.Of(new long[] { long.MinValue, 5 }) },
        { "t.f64s", GgufValue.Of(new[] { 1e300, -0.0 }) },
        { "t.empty-array", GgufValue.Of(Array.Empty<int>()) },
        { "t.arrays", GgufValue.Of([GgufValue.Of(new[] { "a", "b" }), GgufValue.Of(new[] { 1, 2, 3 })]) },
    };

    [Theory]
    [MemberData(nameof(EveryMetadataType))]
    public void Every_metadata_type_reads_back_with_its_type_and_value(string key, GgufValue value)
    {
        var path = _folder.Path("one.gguf");
        new GgufWriter().SetMetadata("general.architecture", GgufValue.Of("test")).SetMetadata(key, value).Write(path);

        var file = GgufFile.Read(path);

        Assert.Equal(value.Type, file.Metadata[key].Type);
        Assert.Equal(value.ElementType, file.Metadata[key].ElementType);
        Assert.Equal(value, file.Metadata[key]);
    }

    [Fact]
    public void Written_file_reads_back_with_the_same_metadata_and_tensors()
    {
        var path = _folder.Path("model.gguf");
        var writer = new GgufWriter();
        foreach (var row in EveryMetadataType())
        {
            writer.SetMetadata((string)row[0], (GgufValue)row[1]);
        }

        float[] matrix = [.. Enumerable.Range(0, 3 * 32).Select(i => (i - 40) / 16f)];
        float[] vector = [1.5f, -2.25f, 0.125f, 1000f, -0.0625f];
        writer.AddTensor("matrix.f32", [32, 3], GgufTensorType.F32, matrix);
        writer.AddTensor("vector.f16", [5], GgufTensorType.F16, vector);
        writer.AddTensor("matrix.bf16", [32, 3], GgufTensorType.BF16, matrix);
        writer.Write(path);

        var file = GgufFile.Read(path);

        Assert.Equal(3u, file.Version);
        Assert.Equal(32, file.Alignment);
        Assert.Equal(EveryMetadataType().Select(r => (string)r[0]), file.Metadata.Keys);
        foreach (var row in EveryMetadataType())
        {
            Assert.Equal((GgufValue)row[1], file.Metadata[(string)row[0]]);
        }

        Assert.Equal(["matrix.f32", "vector.f16", "matrix.bf16"], file.Tensors.Select(t => t.Name));
        Assert.Equal([32L, 3L], file.GetTensor("matrix.f32").Shape);
        Assert.Equal(GgufTensorType.F16, file.GetTensor("vector.f16").Type);
        Assert.Equal(10, file.GetTensor("vector.f16").ByteSize);
        Assert.All(file.Tensors, t => Assert.Equal(0, (file.DataOffset + t.Offset) % 32));
        Assert.Equal(matrix, file.ReadTensorAsFloats("matrix.f32"));
        Assert.Equal(vector, file.ReadTensorAsFloats("vector.f16")); // every value is exact in half precision
        Assert.Equal(matrix, file.ReadTensorAsFloats("matrix.bf16")); // and in bfloat16
        Assert.Equal(new FileInfo(path).Length, file.FileSize);
    }

    [Fact]
    public void F16_tensors_round_to_the_nearest_half()
    {
        var path = _folder.Path("f16.gguf");
        float[] values = [0.1f, 1f / 3, 65504f, 1e-8f];
        new GgufWriter().AddTensor("v", [4], GgufTensorType.F16, values).Write(path);

        var read = GgufFile.Read(path).ReadTensorAsFloats("v");

        Assert.Equal(values.Select(v => (float)(Half)v), read);
        Assert.NotEqual(values[0], read[0]);
    }

    [Fact]
    public void Tensor_data_is_padded_to_general_alignment()
    {
        var path = _folder.Path("aligned.gguf");
        var bytes = Enumerable.Range(0, 12).Select(i => (byte)i).ToArray();
        new GgufWriter()
            .SetMetadata("general.alignment", GgufValue.Of(64u))
            .AddTensor("a", [3], GgufTensorType.F32, bytes)
            .AddTensor("b", [3], GgufTensorType.F32, bytes.Reverse().ToArray())
            .Write(path);

        var file = GgufFile.Read(path);

        Assert.Equal(64, file.Alignment);
        Assert.Equal(0, file.DataOffset % 64);
        Assert.Equal([0L, 64L], file.Tensors.Select(t => t.Offset));
        Assert.Equal(bytes, file.ReadTensorBytes("a"));
        Assert.Equal(bytes.Reverse(), file.ReadTensorBytes("b"));
    }

    [Fact]
    public void Streamed_tensor_data_must_have_the_exact_size_and_a_failed_write_leaves_no_file()
    {
        var path = _folder.Path("short.gguf");
        var writer = new GgufWriter().AddTensor("t", [8], GgufTensorType.F32, stream => stream.Write(new byte[28]));

        var error = Assert.Throws<InvalidOperationException>(() => writer.Write(path));

        Assert.Contains("'t' should have 32 bytes", error.Message, StringComparison.Ordinal);
        Assert.Empty(_folder.Files());
    }

    [Fact]
    public void Tensors_with_rows_that_do_not_fill_whole_blocks_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new GgufWriter().AddTensor("q", [40, 2], GgufTensorType.Q8_0, new byte[80]));

        Assert.Contains("multiple of its block size", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Quantized_tensor_bytes_are_stored_as_given()
    {
        var path = _folder.Path("q8.gguf");
        var block = Enumerable.Range(0, 2 * 34).Select(i => (byte)(i * 7)).ToArray(); // two Q8_0 blocks: 32 weights in 34 bytes each

        new GgufWriter().AddTensor("q", [64], GgufTensorType.Q8_0, block).Write(path);
        var file = GgufFile.Read(path);

        Assert.Equal(68, file.GetTensor("q").ByteSize);
        Assert.Equal(block, file.ReadTensorBytes("q"));
        var values = file.ReadTensorAsFloats("q"); // Q8_0 reads back dequantized: each block's F16 scale times its signed bytes
        Assert.Equal(64, values.Length);
        Assert.Equal((float)BitConverter.ToHalf(block, 0) * (sbyte)block[2], values[0]);
        Assert.Equal((float)BitConverter.ToHalf(block, 34) * (sbyte)block[34 + 2 + 31], values[63]);
    }
}
