using System.Diagnostics;
using RagStack.LlamaSharp;
using RagStack.Models.Gguf;

namespace RagStack.Models.Tests.Gguf;

public sealed class SyntheticLlamaTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_tiny_model_with_the_built_in_vocabulary_loads_in_llama_cpp_and_generates()
    {
        var path = _folder.Path("tiny.gguf");
        SyntheticLlama.Write(path, new SyntheticLlamaSpec());

        var run = GreedyGeneration.Run(path, "Once upon a time, the model said: é€ ok", tokens: 4);

        var tokens = GgufFile.Read(path).Metadata["tokenizer.ggml.tokens"].AsArray<string>();
        Assert.Equal(tokens.Length, run.VocabularySize);
        Assert.Equal(1, (int)run.Prompt[0]); // <s>
        Assert.Contains(run.Prompt, t => tokens[(int)t] == "\u2581upon"); // common words merge into whole pieces
        Assert.Contains(run.Prompt, t => tokens[(int)t] == "<0xE2>"); // '€' is not a piece, so it falls back to its UTF-8 bytes
        Assert.DoesNotContain(run.Prompt, t => (int)t == 0); // nothing became <unk>
        Assert.Equal(4, run.Generated.Length);
        Assert.All(run.Generated, t => Assert.InRange((int)t, 0, tokens.Length - 1));
    }

    [Fact]
    public void The_same_spec_and_seed_write_the_same_bytes_and_another_seed_other_weights()
    {
        SyntheticLlama.Write(_folder.Path("a.gguf"), new SyntheticLlamaSpec { Seed = 7 });
        SyntheticLlama.Write(_folder.Path("b.gguf"), new SyntheticLlamaSpec { Seed = 7 });
        SyntheticLlama.Write(_folder.Path("c.gguf"), new SyntheticLlamaSpec { Seed = 8 });

        Assert.Equal(File.ReadAllBytes(_folder.Path("a.gguf")), File.ReadAllBytes(_folder.Path("b.gguf")));
        Assert.NotEqual(
            GgufFile.Read(_folder.Path("a.gguf")).ReadTensorAsFloats("blk.0.attn_q.weight"),
            GgufFile.Read(_folder.Path("c.gguf")).ReadTensorAsFloats("blk.0.attn_q.weight"));
    }

    [Fact]
    public void Tensors_follow_ggml_llama_names_and_shapes_with_weights_near_std_0_02_and_unit_norms()
    {
        var spec = new SyntheticLlamaSpec { EmbeddingLength = 96, Layers = 3, Heads = 6, KvHeads = 2, FeedForwardLength = 160, WeightType = GgufTensorType.F16 };
        var path = _folder.Path("gqa.gguf");
        SyntheticLlama.Write(path, spec);

        var file = GgufFile.Read(path);
        var vocabulary = file.Metadata["tokenizer.ggml.tokens"].Count;

        Assert.Equal(3 + 9 * spec.Layers, file.Tensors.Count);
        Assert.Equal([96L, vocabulary], file.GetTensor("token_embd.weight").Shape);
        Assert.Equal([96L, 96L], file.GetTensor("blk.2.attn_q.weight").Shape);
        Assert.Equal([96L, 32L], file.GetTensor("blk.2.attn_k.weight").Shape); // 2 KV heads of 96 / 6 = 16
        Assert.Equal([96L, 160L], file.GetTensor("blk.2.ffn_up.weight").Shape);
        Assert.Equal([160L, 96L], file.GetTensor("blk.2.ffn_down.weight").Shape);
        Assert.Equal(16, file.Metadata["llama.rope.dimension_count"].AsInt64());
        Assert.Equal(2, file.Metadata["llama.attention.head_count_kv"].AsInt64());
        Assert.All(file.Tensors.Where(t => t.Name.EndsWith("norm.weight", StringComparison.Ordinal)), t => Assert.Equal(GgufTensorType.F32, t.Type));
        Assert.All(file.Tensors.Where(t => !t.Name.EndsWith("norm.weight", StringComparison.Ordinal)), t => Assert.Equal(GgufTensorType.F16, t.Type));
        Assert.All(file.ReadTensorAsFloats("blk.1.ffn_norm.weight"), v => Assert.Equal(1f, v));

        var weights = file.ReadTensorAsFloats("blk.1.ffn_gate.weight");
        var mean = weights.Average();
        var std = Math.Sqrt(weights.Average(w => (w - mean) * (w - mean)));
        Assert.InRange(mean, -0.001, 0.001);
        Assert.InRange(std, 0.019, 0.021);

        Assert.Equal(4, GreedyGeneration.Run(path, "the world", tokens: 4).Generated.Length); // grouped-query attention and F16 run too
    }

    [Fact]
    public void A_chat_template_is_written_when_given()
    {
        const string template = "{% for m in messages %}<|{{ m.role }}|>{{ m.content }}{% endfor %}";
        var path = _folder.Path("chat.gguf");
        SyntheticLlama.Write(path, new SyntheticLlamaSpec { ChatTemplate = template });

        Assert.Equal(template, GgufFile.Read(path).Metadata["tokenizer.chat_template"].AsString());
        Assert.False(GgufFile.Read(path).Metadata.ContainsKey("general.alignment"));
    }

    [Theory]
    [InlineData(66, 4, 4, "multiple of Heads")]
    [InlineData(64, 4, 3, "multiple of KvHeads")]
    [InlineData(12, 4, 4, "must be even")]
    public void Shapes_llama_cpp_cannot_load_are_refused_before_writing(int embedding, int heads, int kvHeads, string reason)
    {
        var path = _folder.Path("bad.gguf");

        var error = Assert.Throws<ArgumentException>(() => SyntheticLlama.Write(path, new SyntheticLlamaSpec { EmbeddingLength = embedding, Heads = heads, KvHeads = kvHeads }));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Empty(_folder.Files());
    }

    [SkippableFact]
    public void A_tiny_model_with_the_llama_spm_vocabulary_tokenizes_as_llama_does_and_generates()
    {
        var vocabulary = SharedModels.LlamaSpmVocabulary;
        Skip.If(vocabulary is null, SharedModels.Missing);
        var path = _folder.Path("spm.gguf");
        SyntheticLlama.Write(path, new SyntheticLlamaSpec { VocabularyPath = vocabulary, EmbeddingLength = 32, Heads = 2, KvHeads = 2, Layers = 1, FeedForwardLength = 64 });

        // llama.cpp's own tokenizer test data: sample texts and, line by line, the token ids the original tokenizer gives them.
        var inputs = File.ReadAllText(vocabulary + ".inp").Split("\n__ggml_vocab_test__\n");
        var outputs = File.ReadAllText(vocabulary + ".out").Split('\n');
        var samples = Enumerable.Range(0, inputs.Length).Where(i => inputs[i].Length > 0).ToList();
        Assert.True(samples.Count > 40);

        LlamaNative.EnsureLoaded();
        using (var weights = LLama.LLamaWeights.LoadFromFile(new LLama.Common.ModelParams(path) { GpuLayerCount = 0 }))
        {
            Assert.Equal(32000, weights.Vocab.Count);
            Assert.All(samples, i => Assert.Equal(
                outputs[i].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse),
                weights.Tokenize(inputs[i], add_bos: false, special: false, System.Text.Encoding.UTF8).Select(t => (int)t)));
        }

        var run = GreedyGeneration.Run(path, "Hello world", tokens: 3);
        Assert.Equal([1, 15043, 3186], run.Prompt.Select(t => (int)t)); // <s> and the two ids from the test data
        Assert.Equal(3, run.Generated.Length);
    }

    [Fact]
    public void Weights_stream_to_disk_without_being_held_in_memory()
    {
        var spec = new SyntheticLlamaSpec { EmbeddingLength = 512, Heads = 8, KvHeads = 8, FeedForwardLength = 1536, Layers = 2 };
        var path = _folder.Path("streamed.gguf");

        var before = GC.GetAllocatedBytesForCurrentThread();
        SyntheticLlama.Write(path, spec);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var weightBytes = 4 * GgufFile.Read(path).Tensors.Sum(t => t.ElementCount);
        Assert.True(weightBytes > 30_000_000, $"the model should be large enough to tell streaming apart ({weightBytes} bytes)");
        Assert.InRange(allocated, 0, weightBytes / 4);
    }

    [SkippableFact]
    public void The_125M_model_streams_to_disk_in_seconds()
    {
        // 325 MB on disk and several seconds: a measurement to run on purpose, not on every test run of a shared machine.
        Skip.If(Environment.GetEnvironmentVariable("RAGSTACK_SLOW_TESTS") is not "1", "writes a 325 MB model; set RAGSTACK_SLOW_TESTS=1 to run it");
        var vocabulary = SharedModels.LlamaSpmVocabulary;
        Skip.If(vocabulary is null, SharedModels.Missing);
        var spec = SyntheticLlamaSpec.Llama125M(vocabulary);
        var path = _folder.Path("125m.gguf");

        var before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        SyntheticLlama.Write(path, spec);
        clock.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var file = GgufFile.Read(path);
        var e = spec.EmbeddingLength;
        var expectedParameters = 2L * e * 32000 + e + spec.Layers * (4L * e * e + 3L * e * spec.FeedForwardLength + 2L * e);
        Assert.Equal(expectedParameters, file.Tensors.Sum(t => t.ElementCount));
        var normWeights = spec.Layers * 2L * e + e;
        var dataBytes = 2 * (expectedParameters - normWeights) + 4 * normWeights; // F16 matrices, F32 norms
        Assert.InRange(file.FileSize - file.DataOffset, dataBytes, dataBytes + file.Tensors.Count * file.Alignment);
        Assert.InRange(allocated, 0, 64L << 20); // streamed: far less than the 324 MB of weights
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(60));
        Console.WriteLine($"125M F16 model: {file.FileSize:N0} bytes, {expectedParameters:N0} parameters, written in {clock.Elapsed.TotalSeconds:F1} s, {allocated / 1e6:F1} MB allocated");
    }
}
