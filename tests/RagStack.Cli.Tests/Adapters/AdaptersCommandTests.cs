using System.Text.Json;
using RagStack.Models.Gguf;

namespace RagStack.Cli.Tests.Adapters;

/// <summary><c>ragstack adapters train</c> and <c>dataset</c> through the real executable, on a synthetic model and real ingested text.</summary>
public sealed class AdaptersCommandTests : IDisposable
{
    private const string Story = "Once upon a time a little boat sailed to the harbour. The lighthouse keeper waved at the boat and the gulls sang.\n";

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ragstack-adapters-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string File(string name) => Path.Combine(_folder.FullName, name);

    [Fact]
    public async Task Train_on_a_text_file_writes_an_adapter_llama_cpp_loads()
    {
        var model = SyntheticModel();
        var text = File("story.txt");
        await System.IO.File.WriteAllTextAsync(text, string.Concat(Enumerable.Repeat(Story, 4)));
        var adapter = File("out/story-lora.gguf");
        using var cli = new CliProcess();

        var json = await cli.JsonAsync("adapters", "train", "--base", model, "--text", text, "--out", adapter, "--rank", "4", "--epochs", "2", "--seq-len", "64", "--targets", "q_proj,k_proj,v_proj");
        var (exitCode, output, error) = await cli.RunAsync("adapters", "train", "--base", model, "--text", text, "--out", adapter, "--rank", "4", "--epochs", "1", "--seq-len", "64");

        Assert.True(json.GetProperty("steps").GetInt32() > 0);
        Assert.Equal(2 * ((4 * 32) + (32 * 4) + (2 * ((4 * 32) + (16 * 4)))), json.GetProperty("trainableParameters").GetInt64()); // q, k, v of 2 layers at rank 4
        Assert.True(exitCode == 0, error);
        Assert.Contains("trainable params: ", output, StringComparison.Ordinal);
        Assert.Contains("tokens/s", output, StringComparison.Ordinal);
        var file = GgufFile.Read(adapter);
        Assert.Equal("adapter", file.Metadata["general.type"].AsString());
        Assert.Equal("story-lora", file.Metadata["general.name"].AsString());
        Assert.Equal([32L, 4L], file.GetTensor("blk.1.attn_q.weight.lora_a").Shape);

        // llama.cpp loads the base with the adapter and generates.
        RagStack.LlamaSharp.LlamaNative.EnsureLoaded();
        var parameters = new LLama.Common.ModelParams(model) { ContextSize = 64, GpuLayerCount = 0 };
        using var weights = LLama.LLamaWeights.LoadFromFile(parameters);
        using var context = weights.CreateContext(parameters);
        context.NativeHandle.SetLoraAdapters([(weights.NativeHandle.LoadLoraFromFile(adapter), 1f)]);
    }

    [Fact]
    public async Task Dataset_writes_one_json_line_of_token_ids_per_ingested_chunk_and_text_file()
    {
        var model = SyntheticModel();
        var documents = Directory.CreateDirectory(File("docs"));
        await System.IO.File.WriteAllTextAsync(Path.Combine(documents.FullName, "harbour.md"), "# The harbour\n\n" + Story);
        var text = File("extra.txt");
        await System.IO.File.WriteAllTextAsync(text, "The end.");
        var dataset = File("train.jsonl");
        using var cli = new CliProcess();
        await cli.JsonAsync("ingest", documents.FullName, "--index", "harbour");

        var json = await cli.JsonAsync("adapters", "dataset", "--base", model, "--index", "harbour", "--text", text, "--out", dataset);

        var lines = await System.IO.File.ReadAllLinesAsync(dataset);
        Assert.Equal(lines.Length, json.GetProperty("sequences").GetInt32());
        Assert.True(lines.Length >= 2);
        var ids = lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("input_ids").EnumerateArray().Select(t => t.GetInt32()).ToArray()).ToList();
        Assert.All(ids, s => Assert.Equal(1, s[0])); // BOS first
        Assert.Equal(ids.Sum(s => s.Length), json.GetProperty("tokens").GetInt64());
        Assert.InRange(ids[^1].Length, 2, 9); // the text file comes last: BOS + at most one token per byte of "The end."
    }

    [Fact]
    public async Task Unusable_input_prints_one_error_line_and_exits_1()
    {
        var model = SyntheticModel();
        var gpt2 = File("gpt2.gguf");
        new GgufWriter().SetMetadata("general.architecture", GgufValue.Of("gpt2")).Write(gpt2);
        var text = File("story.txt");
        await System.IO.File.WriteAllTextAsync(text, Story);
        using var cli = new CliProcess();
        var documents = Directory.CreateDirectory(File("docs"));
        await System.IO.File.WriteAllTextAsync(Path.Combine(documents.FullName, "a.txt"), Story);
        await cli.JsonAsync("ingest", documents.FullName, "--index", "real");

        await AssertOneErrorLine(cli, $"error: nosuch: no such index in", "adapters", "train", "--base", model, "--index", "nosuch", "--out", File("a.gguf"));
        await AssertOneErrorLine(cli, $"error: {File("missing.gguf")}: no such file", "adapters", "train", "--base", File("missing.gguf"), "--index", "real", "--out", File("a.gguf"));
        await AssertOneErrorLine(cli, $"error: {gpt2}: is a 'gpt2' model", "adapters", "train", "--base", gpt2, "--text", text, "--out", File("a.gguf"));
        await AssertOneErrorLine(cli, $"error: {File("none.txt")}: no such file", "adapters", "dataset", "--base", model, "--text", File("none.txt"), "--out", File("a.jsonl"));
        Assert.False(System.IO.File.Exists(File("a.gguf")));
    }

    private static async Task AssertOneErrorLine(CliProcess cli, string expectedStart, params string[] arguments)
    {
        var (exitCode, _, error) = await cli.RunAsync(arguments);
        Assert.Equal(1, exitCode);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(expectedStart, line, StringComparison.Ordinal);
    }

    private string SyntheticModel()
    {
        var path = File("base.gguf");
        if (!System.IO.File.Exists(path))
        {
            SyntheticLlama.Write(path, new SyntheticLlamaSpec { EmbeddingLength = 32, Heads = 4, KvHeads = 2, FeedForwardLength = 64, Layers = 2 });
        }

        return path;
    }
}
