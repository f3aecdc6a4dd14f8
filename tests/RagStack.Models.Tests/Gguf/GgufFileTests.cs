using System.Text;
using RagStack.Models.Gguf;

namespace RagStack.Models.Tests.Gguf;

public sealed class GgufFileTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_file_that_is_not_gguf_is_refused_as_not_a_gguf_file()
    {
        var path = _folder.Path("notes.gguf");
        File.WriteAllText(path, "hello, this is text and not a model");

        var error = Assert.Throws<GgufFormatException>(() => GgufFile.Read(path));

        Assert.Equal(path, error.FilePath);
        Assert.StartsWith($"{path}: not a GGUF file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_file_is_refused_as_not_a_gguf_file()
    {
        var path = _folder.Path("empty.gguf");
        File.WriteAllBytes(path, []);

        Assert.StartsWith("not a GGUF file", Assert.Throws<GgufFormatException>(() => GgufFile.Read(path)).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1u, "unsupported GGUF version 1")]
    [InlineData(4u, "unsupported GGUF version 4")]
    [InlineData(0x03000000u, "big-endian")]
    public void Versions_other_than_2_and_3_are_refused_by_number(uint version, string reason)
    {
        var path = Raw("version.gguf", w => Header(w, version, tensors: 0, entries: 0));

        Assert.StartsWith(reason, Assert.Throws<GgufFormatException>(() => GgufFile.Read(path)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_cut_inside_its_metadata_is_reported_as_truncated()
    {
        var whole = _folder.Path("whole.gguf");
        new GgufWriter().SetMetadata("tokenizer.ggml.tokens", GgufValue.Of(Enumerable.Range(0, 100).Select(i => $"token{i}").ToArray())).Write(whole);
        var bytes = File.ReadAllBytes(whole);
        var path = _folder.Path("cut.gguf");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        Assert.StartsWith("truncated", Assert.Throws<GgufFormatException>(() => GgufFile.Read(path)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Tensor_data_past_the_end_of_the_file_is_reported_when_the_file_is_read()
    {
        var whole = _folder.Path("whole.gguf");
        new GgufWriter().AddTensor("token_embd.weight", [64, 16], GgufTensorType.F32, new float[64 * 16]).Write(whole);
        var bytes = File.ReadAllBytes(whole);
        var path = _folder.Path("cut.gguf");
        File.WriteAllBytes(path, bytes[..^100]);

        var error = Assert.Throws<GgufFormatException>(() => GgufFile.Read(path));

        Assert.Contains("'token_embd.weight' data", error.Reason, StringComparison.Ordinal);
        Assert.Contains("past the end of the file", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ulong.MaxValue, 0ul, "absurd tensor count")]
    [InlineData(1ul << 40, 0ul, "absurd tensor count")]
    [InlineData(0ul, 1ul << 40, "absurd metadata entry count")]
    public void Absurd_counts_are_refused_before_anything_is_allocated(ulong tensors, ulong entries, string reason)
    {
        var path = Raw("counts.gguf", w => Header(w, 3, tensors, entries));

        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<GgufFormatException>(() => GgufFile.Read(path));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.StartsWith(reason, error.Reason, StringComparison.Ordinal);
        Assert.InRange(allocated, 0, 4 << 20);
    }

    [Fact]
    public void A_string_longer_than_the_file_is_refused_without_allocating_it()
    {
        var path = Raw("string.gguf", w =>
        {
            Header(w, 3, tensors: 0, entries: 1);
            w.Write(1UL << 42); // a 4 TiB key
            w.Write("general.name"u8);
        });

        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<GgufFormatException>(() => GgufFile.Read(path));

        Assert.Contains("metadata key at byte 24 claims 4398046511104 bytes", error.Reason, StringComparison.Ordinal);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 4 << 20);
    }

    [Fact]
    public void An_array_with_more_elements_than_the_file_can_hold_is_refused()
    {
        var path = Raw("array.gguf", w =>
        {
            Header(w, 3, tensors: 0, entries: 1);
            Key(w, "tokenizer.ggml.scores");
            w.Write((uint)GgufValueType.Array);
            w.Write((uint)GgufValueType.Float32);
            w.Write(1UL << 33);
        });

        var error = Assert.Throws<GgufFormatException>(() => GgufFile.Read(path));

        Assert.StartsWith("absurd element count of metadata 'tokenizer.ggml.scores' 8589934592", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_value_type_is_named()
    {
        var path = Raw("type.gguf", w =>
        {
            Header(w, 3, tensors: 0, entries: 1);
            Key(w, "general.name");
            w.Write(13u);
        });

        Assert.Equal("metadata 'general.name' has unknown value type 13", Assert.Throws<GgufFormatException>(() => GgufFile.Read(path)).Reason);
    }

    [Fact]
    public void A_tensor_with_an_unknown_type_or_too_many_dimensions_is_named()
    {
        var unknownType = Raw("tensor-type.gguf", w =>
        {
            Header(w, 3, tensors: 1, entries: 0);
            Key(w, "blk.0.attn_q.weight");
            w.Write(1u);
            w.Write(32UL);
            w.Write(4u); // Q4_2, long removed from ggml
            w.Write(0UL);
        });
        var fiveDimensions = Raw("tensor-dims.gguf", w =>
        {
            Header(w, 3, tensors: 1, entries: 0);
            Key(w, "x");
            w.Write(5u);
            for (var i = 0; i < 5; i++)
            {
                w.Write(1UL);
            }

            w.Write(0u);
            w.Write(0UL);
        });

        Assert.Equal("tensor 'blk.0.attn_q.weight' has unknown type 4", Assert.Throws<GgufFormatException>(() => GgufFile.Read(unknownType)).Reason);
        Assert.Equal("tensor 'x' has 5 dimensions (ggml allows 1 to 4)", Assert.Throws<GgufFormatException>(() => GgufFile.Read(fiveDimensions)).Reason);
    }

    [Fact]
    public void A_repeated_key_or_an_alignment_that_is_not_a_power_of_two_is_named()
    {
        var repeated = Raw("repeated.gguf", w =>
        {
            Header(w, 3, tensors: 0, entries: 2);
            for (var i = 0; i < 2; i++)
            {
                Key(w, "general.name");
                w.Write((uint)GgufValueType.Bool);
                w.Write((byte)1);
            }
        });
        var alignment = Raw("alignment.gguf", w =>
        {
            Header(w, 3, tensors: 0, entries: 1);
            Key(w, "general.alignment");
            w.Write((uint)GgufValueType.UInt32);
            w.Write(48u);
        });

        Assert.Equal("metadata key 'general.name' appears twice", Assert.Throws<GgufFormatException>(() => GgufFile.Read(repeated)).Reason);
        Assert.StartsWith("general.alignment must be a uint32 power of two, found UInt32 48", Assert.Throws<GgufFormatException>(() => GgufFile.Read(alignment)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Reading_a_model_reads_its_header_but_not_its_tensor_data()
    {
        var path = _folder.Path("model.gguf");
        SyntheticLlama.Write(path, new SyntheticLlamaSpec { EmbeddingLength = 512, Heads = 8, KvHeads = 8, FeedForwardLength = 1536 });

        var before = GC.GetAllocatedBytesForCurrentThread();
        var file = GgufFile.Read(path);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var dataBytes = file.Tensors.Sum(t => t.ByteSize);
        Assert.True(dataBytes > 30_000_000, $"the model should dwarf its header ({dataBytes} bytes of tensor data)");
        Assert.InRange(allocated, 0, 2_000_000);
        Assert.Equal(file.FileSize, file.DataOffset + file.Tensors[^1].Offset + file.Tensors[^1].ByteSize, tolerance: file.Alignment);
    }

    [Fact]
    public void A_missing_file_throws_file_not_found()
    {
        Assert.Throws<FileNotFoundException>(() => GgufFile.Read(_folder.Path("absent.gguf")));
    }

    [SkippableFact]
    public void The_real_stories260K_model_reads_with_its_published_shape()
    {
        var path = SharedModels.Stories260K;
        Skip.If(path is null, SharedModels.Missing);

        var file = GgufFile.Read(path);

        Assert.Equal(3u, file.Version);
        Assert.Equal("llama", file.Metadata["general.architecture"].AsString());
        Assert.Equal(5, file.Metadata["llama.block_count"].AsInt64());
        Assert.Equal(64, file.Metadata["llama.embedding_length"].AsInt64());
        Assert.Equal(512, file.Metadata["tokenizer.ggml.tokens"].AsArray<string>().Length);
        Assert.Equal(3 + 9 * 5, file.Tensors.Count); // embeddings, output norm and output, then nine tensors a layer
        Assert.Equal([64L, 512L], file.GetTensor("token_embd.weight").Shape);
        Assert.Equal([64L, 32L], file.GetTensor("blk.0.attn_k.weight").Shape); // 4 KV heads of 8
        Assert.Equal(292_800, file.Tensors.Sum(t => t.ElementCount));
        Assert.All(file.Tensors, t => Assert.Equal(GgufTensorType.F32, t.Type));
        var norm = file.ReadTensorAsFloats("output_norm.weight");
        Assert.Equal(64, norm.Length);
        Assert.All(norm, v => Assert.True(float.IsFinite(v)));
        Assert.Contains(norm, v => v != 0);
    }

    private string Raw(string name, Action<BinaryWriter> write)
    {
        var path = _folder.Path(name);
        using var stream = File.Create(path);
        using var writer = new BinaryWriter(stream, Encoding.UTF8);
        write(writer);
        return path;
    }

    private static void Header(BinaryWriter writer, uint version, ulong tensors, ulong entries)
    {
        writer.Write("GGUF"u8);
        writer.Write(version);
        writer.Write(tensors);
        writer.Write(entries);
    }

    private static void Key(BinaryWriter writer, string key)
    {
        writer.Write((ulong)Encoding.UTF8.GetByteCount(key));
        writer.Write(Encoding.UTF8.GetBytes(key));
    }
}
