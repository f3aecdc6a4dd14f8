using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using RagStack.Models.Safetensors;

namespace RagStack.Models.Tests.Safetensors;

public sealed class SafetensorsWriterTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Written_tensors_read_back_with_their_shapes_values_and_format_metadata()
    {
        float[] matrix = [.. Enumerable.Range(0, 15).Select(i => i * 0.25f - 1)];
        float[] vector = [1, -2, float.MaxValue];
        var path = _folder.Path("model.safetensors");

        new SafetensorsWriter()
            .AddF32("model.layers.0.self_attn.q_proj.weight", [5, 3], () => matrix)
            .AddF32("model.norm.weight", [3], () => vector)
            .Write(path);

        var file = SafetensorsFile.Read(path);
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal(["model.layers.0.self_attn.q_proj.weight", "model.norm.weight"], file.Tensors.Select(t => t.Name));
        Assert.True(file.TryGetTensor("model.layers.0.self_attn.q_proj.weight", out var q));
        Assert.Equal(("F32", 0L, 60L), (q.DType, q.Begin, q.End));
        Assert.Equal([5L, 3L], q.Shape);
        Assert.Equal(matrix, file.ReadTensorAsFloats(q));
        Assert.True(file.TryGetTensor("model.norm.weight", out var norm));
        Assert.Equal(vector, file.ReadTensorAsFloats(norm));
        Assert.Equal(file.DataOffset + 72, new FileInfo(path).Length);
        Assert.Equal(["model.safetensors"], _folder.Files()); // no temporary file left beside it
    }

    [Fact]
    public void The_header_is_space_padded_json_so_the_data_starts_8_byte_aligned()
    {
        var path = _folder.Path("odd.safetensors");

        new SafetensorsWriter().AddF32("x", [1], () => [3f]).Write(path);

        var bytes = File.ReadAllBytes(path);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, headerLength % 8);
        var header = Encoding.UTF8.GetString(bytes, 8, headerLength);
        using var json = JsonDocument.Parse(header);
        Assert.Equal("pt", json.RootElement.GetProperty("__metadata__").GetProperty("format").GetString());
        Assert.Equal("[0,4]", json.RootElement.GetProperty("x").GetProperty("data_offsets").GetRawText());
        Assert.Equal(3f, BitConverter.ToSingle(bytes, 8 + headerLength));
    }

    [Fact]
    public void Values_that_do_not_fill_the_shape_fail_the_write_and_leave_no_file()
    {
        var path = _folder.Path("bad.safetensors");
        var writer = new SafetensorsWriter().AddF32("w", [2, 3], () => new float[5]);

        var error = Assert.Throws<InvalidOperationException>(() => writer.Write(path));

        Assert.Contains("'w' of shape [2, 3] needs 6 values, but 5", error.Message, StringComparison.Ordinal);
        Assert.Empty(_folder.Files());
    }

    [Fact]
    public void A_tensor_name_given_twice_is_refused()
    {
        var writer = new SafetensorsWriter().AddF32("w", [1], () => [1f]);

        Assert.Throws<ArgumentException>(() => writer.AddF32("w", [1], () => [2f]));
        Assert.Throws<ArgumentException>(() => writer.AddF32("__metadata__", [1], () => [2f]));
    }
}
