using System.Text.Json;
using RagStack.LlamaSharp;
using RagStack.Models.Gguf;

namespace RagStack.Cli.Tests.Models;

/// <summary><c>ragstack models tokenize</c> and <c>import-hf</c> through the real executable, on models our own GGUF writer builds.</summary>
public sealed class ModelsTokenizeAndImportHfCommandTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ragstack-tokenize-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task Tokenize_writes_bos_tokens_eos_per_document_as_uint16_with_counts_per_package()
    {
        var vocabulary = Path("vocab.gguf");
        SyntheticLlama.Write(vocabulary, new SyntheticLlamaSpec { EmbeddingLength = 32, Heads = 4, KvHeads = 2, FeedForwardLength = 48, Layers = 1 });
        var corpus = Path("docs.jsonl");
        string[] texts = ["hello world", "the quick brown fox", "jumps over"];
        await File.WriteAllLinesAsync(corpus, [
            JsonSerializer.Serialize(new { package = "a", text = texts[0] }),
            "",
            JsonSerializer.Serialize(new { package = "b", text = texts[1] }),
            JsonSerializer.Serialize(new { package = "a", text = texts[2] })]);
        var expected = LlamaTokenizer.Tokenize(vocabulary, texts).SelectMany(ids => ids.Append(2)).ToArray();
        var output = Path("train.u16");
        using var cli = new CliProcess();

        var report = await cli.JsonAsync("models", "tokenize", vocabulary, corpus, output);

        var bytes = await File.ReadAllBytesAsync(output);
        int[] written = [.. Enumerable.Range(0, bytes.Length / 2).Select(i => (int)BitConverter.ToUInt16(bytes, i * 2))];
        Assert.Equal(expected, written);
        Assert.Equal(1, written[0]);
        Assert.Equal(expected.Length, report.GetProperty("tokens").GetInt64());
        Assert.Equal(3, report.GetProperty("documents").GetInt32());
        var perGroup = report.GetProperty("perGroup");
        Assert.Equal(expected.Length, perGroup.GetProperty("a").GetInt64() + perGroup.GetProperty("b").GetInt64());
        Assert.True(File.Exists(output + ".json"));

        // A cap cuts the stream there, without the EOS of the cut document.
        report = await cli.JsonAsync("models", "tokenize", vocabulary, corpus, output, "--max-tokens", "5");
        Assert.Equal(expected[..5], (await File.ReadAllBytesAsync(output)).Chunk(2).Select(c => (int)BitConverter.ToUInt16(c)));
        Assert.True(report.GetProperty("lastDocumentCut").GetBoolean() || expected[4] == 2);
    }

    [Fact]
    public async Task Tokenize_names_the_line_of_a_bad_json_line_and_writes_nothing()
    {
        var vocabulary = Path("vocab.gguf");
        SyntheticLlama.Write(vocabulary, new SyntheticLlamaSpec { EmbeddingLength = 32, Heads = 4, KvHeads = 2, FeedForwardLength = 48, Layers = 1 });
        var corpus = Path("docs.jsonl");
        await File.WriteAllLinesAsync(corpus, ["{\"text\": \"fine\"}", "{\"title\": \"no text\"}"]);
        var output = Path("train.u16");
        using var cli = new CliProcess();

        var (exitCode, _, error) = await cli.RunAsync("models", "tokenize", vocabulary, corpus, output);

        Assert.Equal(1, exitCode);
        Assert.Contains($"{corpus}:2: not a JSON object with a string \"text\"", error, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task Import_hf_turns_an_exported_folder_back_into_the_same_model()
    {
        var spec = new SyntheticLlamaSpec { EmbeddingLength = 32, Heads = 4, KvHeads = 2, FeedForwardLength = 48, Layers = 2 };
        var gguf = Path("base.gguf");
        SyntheticLlama.Write(gguf, spec);
        var hf = Path("hf");
        using var cli = new CliProcess();
        var (exitCode, _, error) = await cli.RunAsync("models", "export-hf", gguf, hf);
        Assert.True(exitCode == 0, error);
        var imported = Path("imported.gguf");

        var report = await cli.JsonAsync("models", "import-hf", hf, imported, "--vocab", gguf, "--type", "F16");

        var (original, copy) = (GgufFile.Read(gguf), GgufFile.Read(imported));
        Assert.Equal(original.Tensors.Sum(t => t.ElementCount), report.GetProperty("parameterCount").GetInt64());
        Assert.Equal("F16", report.GetProperty("type").GetString());
        Assert.Equal(GgufTensorType.F16, copy.GetTensor("blk.0.attn_q.weight").Type);
        Assert.Equal(GgufTensorType.F32, copy.GetTensor("blk.0.attn_norm.weight").Type);

        (exitCode, _, error) = await cli.RunAsync("models", "import-hf", hf, imported, "--vocab", Path("missing.gguf"));
        Assert.Equal(1, exitCode);
        Assert.Contains($"{Path("missing.gguf")}: no such file", error, StringComparison.Ordinal);
    }

    private string Path(string name) => System.IO.Path.Combine(_folder.FullName, name);
}
