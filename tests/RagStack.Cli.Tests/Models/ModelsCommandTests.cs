using RagStack.Models.Gguf;

namespace RagStack.Cli.Tests.Models;

/// <summary><c>ragstack models inspect</c> and <c>quantize</c> through the real executable, on models our own GGUF writer builds.</summary>
public sealed class ModelsCommandTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ragstack-models-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task Inspect_prints_the_shape_the_synthetic_model_was_built_with()
    {
        var spec = new SyntheticLlamaSpec { EmbeddingLength = 64, Layers = 3, Heads = 8, KvHeads = 4, FeedForwardLength = 96, ContextLength = 768, Name = "cli-inspect" };
        var path = Path.Combine(_folder.FullName, "model.gguf");
        SyntheticLlama.Write(path, spec);
        long vocabulary = GgufFile.Read(path).Metadata["tokenizer.ggml.tokens"].Count;
        using var cli = new CliProcess();

        var json = await cli.JsonAsync("models", "inspect", path);

        long e = spec.EmbeddingLength, kv = e / spec.Heads * spec.KvHeads, ff = spec.FeedForwardLength;
        Assert.Equal(2 * e * vocabulary + e + spec.Layers * (2 * e * e + 2 * e * kv + 3 * e * ff + 2 * e), json.GetProperty("parameterCount").GetInt64());
        Assert.Equal("llama", json.GetProperty("architecture").GetString());
        Assert.Equal("cli-inspect", json.GetProperty("name").GetString());
        Assert.Equal("F32", json.GetProperty("fileType").GetString());
        Assert.Equal(32.0, json.GetProperty("bitsPerWeight").GetDouble());
        Assert.Equal(new FileInfo(path).Length, json.GetProperty("fileSize").GetInt64());
        Assert.Equal(spec.ContextLength, json.GetProperty("contextLength").GetInt32());
        Assert.Equal(spec.Layers, json.GetProperty("layers").GetInt32());
        Assert.Equal(spec.Heads, json.GetProperty("heads").GetInt32());
        Assert.Equal(spec.KvHeads, json.GetProperty("kvHeads").GetInt32());
        Assert.Equal(vocabulary, json.GetProperty("vocabularySize").GetInt64());
        Assert.Equal(3 + 9 * spec.Layers, json.GetProperty("tensorTypeCounts").GetProperty("F32").GetInt32());

        var (exitCode, table, error) = await cli.RunAsync("models", "inspect", path);
        Assert.True(exitCode == 0, error);
        Assert.Contains("cli-inspect", table, StringComparison.Ordinal);
        Assert.Contains("none (RagStack's plain-text fallback is used)", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspect_shows_the_chat_template_a_model_ships()
    {
        var path = Path.Combine(_folder.FullName, "chat.gguf");
        SyntheticLlama.Write(path, new SyntheticLlamaSpec { ChatTemplate = "{% for m in messages %}<|{{ m.role }}|>\n{{ m.content }}{% endfor %}" });
        using var cli = new CliProcess();

        var (exitCode, table, error) = await cli.RunAsync("models", "inspect", path);

        Assert.True(exitCode == 0, error);
        Assert.Contains("{% for m in messages %}<|{{ m.role }}|> {{ m.content }}", table, StringComparison.Ordinal);
        Assert.DoesNotContain("plain-text fallback", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspect_of_a_file_that_is_not_gguf_prints_one_error_line_and_exits_1()
    {
        var path = Path.Combine(_folder.FullName, "weights.bin");
        await File.WriteAllTextAsync(path, "PK\u0003\u0004 not a model");
        using var cli = new CliProcess();

        var (exitCode, output, error) = await cli.RunAsync("models", "inspect", path);

        Assert.Equal(1, exitCode);
        Assert.Equal("", output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {path}: not a GGUF file", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Quantize_writes_a_smaller_model_and_reports_both_sizes()
    {
        var input = Path.Combine(_folder.FullName, "f32.gguf");
        var output = Path.Combine(_folder.FullName, "q8.gguf");
        SyntheticLlama.Write(input, new SyntheticLlamaSpec { EmbeddingLength = 256, FeedForwardLength = 512, Layers = 1 });
        using var cli = new CliProcess();

        var json = await cli.JsonAsync("models", "quantize", input, output, "--type", "Q8_0", "--threads", "1");

        Assert.Equal(new FileInfo(input).Length, json.GetProperty("input").GetProperty("fileSize").GetInt64());
        Assert.Equal(new FileInfo(output).Length, json.GetProperty("output").GetProperty("fileSize").GetInt64());
        Assert.Equal("Q8_0", json.GetProperty("output").GetProperty("fileType").GetString());
        Assert.InRange(json.GetProperty("output").GetProperty("bitsPerWeight").GetDouble(), 8.5, 8.6);
        Assert.All(GgufFile.Read(output).Tensors.Where(t => t.Shape.Count == 2), t => Assert.Equal(GgufTensorType.Q8_0, t.Type));
    }

    [Fact]
    public async Task Quantize_of_a_missing_file_prints_one_error_line_and_exits_1()
    {
        var missing = Path.Combine(_folder.FullName, "absent.gguf");
        using var cli = new CliProcess();

        var (exitCode, _, error) = await cli.RunAsync("models", "quantize", missing, Path.Combine(_folder.FullName, "out.gguf"), "--type", "Q4_K_M");

        Assert.Equal(1, exitCode);
        Assert.Equal($"error: {missing}: no such file", Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Empty(_folder.GetFiles());
    }
}
