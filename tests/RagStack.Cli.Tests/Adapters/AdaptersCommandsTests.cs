using RagStack.Models.Tests.Adapters;
using RagStack.Models.Gguf;

namespace RagStack.Cli.Tests.Adapters;

/// <summary><c>ragstack adapters import</c> and <c>eval</c> as a user runs them: the real executable, real llama.cpp, real files.</summary>
public sealed class AdaptersCommandsTests : IDisposable
{
    private const string HeldOut = "The little boat sailed out of the harbour at dawn. The gulls called over the water, and the old keeper waved from the lighthouse.";

    private static readonly SyntheticLlamaSpec Spec = new() { Layers = 2, EmbeddingLength = 64, Heads = 4, KvHeads = 2, FeedForwardLength = 128 };

    private readonly CliProcess _cli = new();

    public void Dispose() => _cli.Dispose();

    private string PathIn(string name) => Path.Combine(_cli.DataDir, name);

    [Fact]
    public async Task A_peft_adapter_written_in_peft_layout_imports_and_eval_shows_it_changes_perplexity_and_vanishes_at_scale_0()
    {
        var (baseModel, peft) = (PathIn("base.gguf"), PathIn("peft"));
        SyntheticLlama.Write(baseModel, Spec);
        WritePeft(peft, Spec, rank: 4);
        var text = PathIn("heldout.txt");
        await File.WriteAllTextAsync(text, HeldOut);

        var imported = await _cli.JsonAsync("adapters", "import", "--peft", peft, "--base", baseModel, "--out", PathIn("adapter.gguf"));
        var eval = await _cli.JsonAsync("adapters", "eval", "--base", baseModel, "--adapter", PathIn("adapter.gguf"), "--text", text, "--threads", "1");

        Assert.Equal(4, imported.GetProperty("rank").GetInt32());
        Assert.Equal(["q_proj", "v_proj"], imported.GetProperty("targetModules").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal([0, 1], imported.GetProperty("layers").EnumerateArray().Select(l => l.GetInt32()));
        Assert.Equal(8, imported.GetProperty("tensors").GetInt32());
        Assert.Equal(0, eval.GetProperty("scaleZeroMaxLogitDifference").GetDouble());
        Assert.True(eval.GetProperty("tokens").GetInt32() > 10);
        Assert.NotEqual(eval.GetProperty("basePerplexity").GetDouble(), eval.GetProperty("adapterPerplexity").GetDouble(), 3);
    }

    [SkippableFact]
    public async Task The_real_stories260K_peft_adapter_imports_and_eval_measures_it_on_the_real_model()
    {
        var baseModel = SharedModels.Find("stories260K.gguf");
        var peft = SharedModels.Find("peft-stories260K/adapter_config.json");
        Skip.If(baseModel is null || peft is null, "../shared/models/stories260K.gguf and peft-stories260K/ are absent (a fresh clone has no ../shared)");
        var text = PathIn("story.txt");
        await File.WriteAllTextAsync(text, "The little boat sailed to the lighthouse and the keeper waved at the boat.");

        var imported = await _cli.JsonAsync("adapters", "import", "--peft", Path.GetDirectoryName(peft)!, "--base", baseModel!, "--out", PathIn("boat.gguf"));
        var eval = await _cli.JsonAsync("adapters", "eval", "--base", baseModel!, "--adapter", PathIn("boat.gguf"), "--text", text);

        Assert.Equal(16, imported.GetProperty("rank").GetInt32());
        Assert.Equal(32, imported.GetProperty("alpha").GetDouble());
        Assert.Equal(5, imported.GetProperty("layers").GetArrayLength());
        Assert.Equal(0, eval.GetProperty("scaleZeroMaxLogitDifference").GetDouble());
        Assert.NotEqual(eval.GetProperty("basePerplexity").GetDouble(), eval.GetProperty("adapterPerplexity").GetDouble(), 3);
        Assert.Equal(1, eval.GetProperty("windows").GetInt32());
    }

    [Fact]
    public async Task Import_of_a_folder_without_an_adapter_prints_one_line_naming_the_file_and_writes_nothing()
    {
        var baseModel = PathIn("base.gguf");
        SyntheticLlama.Write(baseModel, Spec);
        Directory.CreateDirectory(PathIn("empty"));

        var (exitCode, output, error) = await _cli.RunAsync("adapters", "import", "--peft", PathIn("empty"), "--base", baseModel, "--out", PathIn("adapter.gguf"));

        Assert.Equal(1, exitCode);
        Assert.Equal("", output);
        Assert.Equal($"error: {Path.Combine(PathIn("empty"), "adapter_config.json")}: missing: a PEFT adapter folder holds adapter_config.json, written by save_pretrained", error.Trim());
        Assert.False(File.Exists(PathIn("adapter.gguf")));
    }

    [Fact]
    public async Task Eval_of_an_adapter_made_for_another_base_model_names_the_tensor_and_a_missing_text_is_named()
    {
        var (baseModel, other, otherPeft) = (PathIn("base.gguf"), PathIn("other.gguf"), PathIn("other-peft"));
        SyntheticLlama.Write(baseModel, Spec);
        var otherSpec = Spec with { EmbeddingLength = 128, FeedForwardLength = 256 };
        SyntheticLlama.Write(other, otherSpec);
        WritePeft(otherPeft, otherSpec, rank: 2);
        Assert.Equal(0, (await _cli.RunAsync("adapters", "import", "--peft", otherPeft, "--base", other, "--out", PathIn("other-adapter.gguf"))).ExitCode);
        var text = PathIn("heldout.txt");
        await File.WriteAllTextAsync(text, HeldOut);

        var mismatch = await _cli.RunAsync("adapters", "eval", "--base", baseModel, "--adapter", PathIn("other-adapter.gguf"), "--text", text);
        var missing = await _cli.RunAsync("adapters", "eval", "--base", baseModel, "--adapter", PathIn("other-adapter.gguf"), "--text", PathIn("nothing.txt"));

        Assert.Equal(1, mismatch.ExitCode);
        Assert.StartsWith($"error: {PathIn("other-adapter.gguf")}: 'blk.0.attn_q.weight' is 64×64", mismatch.Error.Trim(), StringComparison.Ordinal);
        Assert.Contains("another base model", mismatch.Error, StringComparison.Ordinal);
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal($"error: {PathIn("nothing.txt")}: no such file", missing.Error.Trim());
    }

    /// <summary>A random q_proj/v_proj adapter for every layer of <paramref name="spec"/>, in PEFT's layout (A [r, in], B [out, r]).</summary>
    private static void WritePeft(string directory, SyntheticLlamaSpec spec, int rank)
    {
        var random = new Random(11);
        float[] Values(int count) => [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1) * 0.5f)];
        var headDimension = spec.EmbeddingLength / spec.Heads;
        var tensors = new List<PeftAdapterWriter.Tensor>();
        for (var layer = 0; layer < spec.Layers; layer++)
        {
            foreach (var (module, outputs) in new[] { ("q_proj", spec.EmbeddingLength), ("v_proj", spec.KvHeads * headDimension) })
            {
                tensors.Add(new(PeftAdapterWriter.LoraName(layer, module, 'A'), [rank, spec.EmbeddingLength], Values(rank * spec.EmbeddingLength)));
                tensors.Add(new(PeftAdapterWriter.LoraName(layer, module, 'B'), [outputs, rank], Values(outputs * rank)));
            }
        }

        PeftAdapterWriter.Write(directory, rank, alpha: 2 * rank, ["q_proj", "v_proj"], tensors);
    }
}
