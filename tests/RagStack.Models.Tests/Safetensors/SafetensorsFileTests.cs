using System.Buffers.Binary;
using System.Text;
using RagStack.Models.Safetensors;
using static RagStack.Models.Tests.Adapters.PeftAdapterWriter;

namespace RagStack.Models.Tests.Safetensors;

public sealed class SafetensorsFileTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void F32_F16_and_BF16_tensors_read_back_as_their_values_with_names_shapes_and_metadata()
    {
        var path = _folder.Path("t.safetensors");
        float[] values = [1.5f, -2.25f, 0f, 1024f, -0.125f, 3f];
        WriteSafetensors(path,
        [
            new Tensor("a", [2, 3], values, "F32"),
            new Tensor("b", [3, 2], values, "F16"),
            new Tensor("c", [6], values, "BF16"),
        ]);

        var file = SafetensorsFile.Read(path);

        Assert.Equal(["a", "b", "c"], file.Tensors.Select(t => t.Name));
        Assert.Equal([3L, 2L], file.Tensors[1].Shape);
        Assert.Equal("BF16", file.Tensors[2].DType);
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.All(file.Tensors, t => Assert.Equal(values, file.ReadTensorAsFloats(t)));
    }

    [SkippableFact]
    public void A_real_PEFT_adapter_file_reads()
    {
        var path = SharedModels.Find(Path.Combine("peft-stories260K", "adapter_model.safetensors"));
        Skip.If(path is null, SharedModels.Missing);

        var file = SafetensorsFile.Read(path);

        Assert.Equal(20, file.Tensors.Count);
        Assert.True(file.TryGetTensor("base_model.model.model.layers.4.self_attn.v_proj.lora_B.weight", out var b));
        Assert.Equal([32L, 16L], b.Shape);
        Assert.Contains(file.ReadTensorAsFloats(b), v => v != 0); // trained, so B moved away from its zero initialisation
    }

    [Fact]
    public void A_file_shorter_than_the_header_length_is_truncated()
    {
        File.WriteAllBytes(_folder.Path("t.safetensors"), [1, 2, 3]);

        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Read(_folder.Path("t.safetensors")));

        Assert.Equal(_folder.Path("t.safetensors"), error.FilePath);
        Assert.StartsWith("truncated", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_longer_than_the_file_is_truncated()
    {
        WriteRaw("t.safetensors", 500, "{}");

        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Read(_folder.Path("t.safetensors")));

        Assert.Equal("truncated: the header claims 500 bytes but only 2 follow", error.Reason);
    }

    [Fact]
    public void A_header_length_beyond_the_format_limit_is_refused_before_reading_it()
    {
        WriteRaw("t.safetensors", 1UL << 40, "{}");

        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Read(_folder.Path("t.safetensors")));

        Assert.StartsWith("header too large", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Offsets_past_the_data_are_out_of_range()
    {
        WriteRaw("t.safetensors", null, "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", dataBytes: 8);

        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Read(_folder.Path("t.safetensors")));

        Assert.Contains("tensor 'w': offsets out of range", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,16]}}", "needs 3 x 4 bytes, but data_offsets span 16")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[16,0]}}", "invalid data_offsets")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[-4],\"data_offsets\":[0,16]}}", "invalid shape")]
    [InlineData("{\"w\":{\"shape\":[4],\"data_offsets\":[0,16]}}", "needs \"dtype\"")]
    [InlineData("{\"w\":", "not valid JSON")]
    [InlineData("[1, 2]", "not a JSON object")]
    public void A_malformed_header_is_refused_with_the_reason(string header, string reason)
    {
        WriteRaw("t.safetensors", null, header, dataBytes: 16);

        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Read(_folder.Path("t.safetensors")));

        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_integer_tensor_cannot_be_read_as_floats()
    {
        WriteRaw("t.safetensors", null, "{\"ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}", dataBytes: 16);
        var file = SafetensorsFile.Read(_folder.Path("t.safetensors"));

        var error = Assert.Throws<SafetensorsFormatException>(() => file.ReadTensorAsFloats(file.Tensors[0]));

        Assert.Contains("dtype I64", error.Reason, StringComparison.Ordinal);
    }

    private void WriteRaw(string name, ulong? headerLength, string header, int dataBytes = 0)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, headerLength ?? (ulong)json.Length);
        json.CopyTo(bytes, 8);
        File.WriteAllBytes(_folder.Path(name), bytes);
    }
}
