using System.Text;
using LLama;
using LLama.Common;
using RagStack.LlamaSharp.Adapters;
using RagStack.LlamaSharp.Tests.Chat;
using RagStack.Models.Adapters;
using RagStack.Models.Gguf;

namespace RagStack.LlamaSharp.Tests.Adapters;

/// <summary>Perplexity with and without an adapter, through the real llama.cpp, checked against a log-softmax computed here.</summary>
public sealed class AdapterPerplexityTests(SyntheticModelFixture model) : IClassFixture<SyntheticModelFixture>, IDisposable
{
    private const string Text = "The little boat sailed out of the harbour at dawn. The gulls called over the water, and the old keeper waved from the lighthouse.";

    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Perplexity_is_the_exponent_of_the_mean_negative_log_likelihood_of_every_token_under_llama_cpp_logits()
    {
        var adapter = Adapter(seed: 3);
        var tokens = Tokenize(Text);

        var report = AdapterPerplexity.Measure(model.ModelPath, adapter, Text, new AdapterPerplexityOptions { WindowTokens = 128, Threads = 1 });

        Assert.Equal(tokens.Length, report.TokensScored);
        Assert.Equal(1, report.Windows);
        Assert.Equal(ExpectedPerplexity(tokens, window: 128, adapter: null), report.BasePerplexity, 1e-6);
        Assert.Equal(ExpectedPerplexity(tokens, window: 128, adapter), report.AdapterPerplexity, 1e-6);
        Assert.NotEqual(report.BasePerplexity, report.AdapterPerplexity, 3);
    }

    [Fact]
    public void A_text_longer_than_a_window_is_read_in_windows_that_each_start_with_bos_and_every_token_is_scored()
    {
        var adapter = Adapter(seed: 4);
        var text = string.Join(' ', Enumerable.Repeat(Text, 4));
        var tokens = Tokenize(text);
        Assert.True(tokens.Length > 100, $"the text should need several windows, but has {tokens.Length} tokens");

        var report = AdapterPerplexity.Measure(model.ModelPath, adapter, text, new AdapterPerplexityOptions { WindowTokens = 48, Threads = 1 });

        Assert.Equal(tokens.Length, report.TokensScored);
        Assert.Equal((tokens.Length + 46) / 47, report.Windows);
        Assert.Equal(ExpectedPerplexity(tokens, window: 48, adapter: null), report.BasePerplexity, 1e-6);
        Assert.Equal(ExpectedPerplexity(tokens, window: 48, adapter), report.AdapterPerplexity, 1e-6);
    }

    [Fact]
    public void At_scale_0_the_adapter_reproduces_the_base_logits_exactly_and_at_scale_1_it_does_not()
    {
        var report = AdapterPerplexity.Measure(model.ModelPath, Adapter(seed: 5), Text, new AdapterPerplexityOptions { Threads = 1 });

        Assert.Equal(0, report.ScaleZeroMaxLogitDifference);
        Assert.NotEqual(report.BasePerplexity, report.AdapterPerplexity, 3);
        Assert.Equal((report.AdapterPerplexity / report.BasePerplexity) - 1, report.Change, 12);
    }

    [SkippableFact]
    public void On_the_real_peft_adapter_perplexity_matches_the_one_computed_from_transformers_reference_logits()
    {
        var baseModel = SharedModels.Stories260K;
        var config = SharedModels.Find(Path.Combine("peft-stories260K", "adapter_config.json"));
        Skip.If(baseModel is null || config is null, SharedModels.Missing);
        var peft = Path.GetDirectoryName(config)!;
        var adapter = _folder.Path("boat.gguf");
        PeftAdapterImporter.Import(peft, baseModel, adapter);
        using var reference = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(Path.Combine(peft, "reference_logits.json")));
        int[] ids = [.. reference.RootElement.GetProperty("token_ids").EnumerateArray().Select(t => t.GetInt32())];

        // The ids come from transformers' tokenizer, which splits "lighthouse" otherwise than llama.cpp's: measure the ids themselves.
        var report = AdapterPerplexity.Measure(baseModel, adapter, ids[1..], new AdapterPerplexityOptions { Threads = 1 });

        Assert.Equal(ReferencePerplexity(reference.RootElement.GetProperty("logits_base"), ids), report.BasePerplexity, 1e-3);
        Assert.Equal(ReferencePerplexity(reference.RootElement.GetProperty("logits_with_adapter"), ids), report.AdapterPerplexity, 1e-3);
        Assert.Equal(0, report.ScaleZeroMaxLogitDifference);
    }

    [Fact]
    public void An_adapter_for_another_base_model_is_refused_naming_the_tensor_before_llama_cpp_reads_it()
    {
        var other = _folder.Path("other.gguf");
        SyntheticLlama.Write(other, new SyntheticLlamaSpec { Layers = 2, EmbeddingLength = 128, FeedForwardLength = 256 });
        var adapter = _folder.Path("other-adapter.gguf");
        TestLoraAdapters.Write(other, adapter, seed: 6);

        var error = Assert.Throws<InvalidDataException>(() => AdapterPerplexity.Measure(model.ModelPath, adapter, Text));

        Assert.Contains(adapter, error.Message, StringComparison.Ordinal);
        Assert.Contains("blk.0.attn_q.weight", error.Message, StringComparison.Ordinal);
        Assert.Contains("another base model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Token_ids_outside_the_vocabulary_are_refused_with_the_id()
    {
        var error = Assert.Throws<InvalidDataException>(() => AdapterPerplexity.Measure(model.ModelPath, Adapter(seed: 8), [5, 6, 1_000_000]));

        Assert.Contains("Token 1000000 is outside", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_adapter_or_base_model_is_named()
    {
        var missing = _folder.Path("missing.gguf");

        Assert.Contains(missing, Assert.Throws<FileNotFoundException>(() => AdapterPerplexity.Measure(model.ModelPath, missing, Text)).Message, StringComparison.Ordinal);
        Assert.Contains(missing, Assert.Throws<FileNotFoundException>(() => AdapterPerplexity.Measure(missing, Adapter(seed: 7), Text)).Message, StringComparison.Ordinal);
    }

    private string Adapter(int seed)
    {
        var path = _folder.Path($"adapter-{seed}.gguf");
        TestLoraAdapters.Write(model.ModelPath, path, seed);
        return path;
    }

    private static double ReferencePerplexity(System.Text.Json.JsonElement logits, int[] ids)
    {
        var rows = logits.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var nll = 0.0;
        for (var i = 0; i + 1 < ids.Length; i++)
        {
            var max = rows[i].Max();
            nll += max + Math.Log(rows[i].Sum(l => Math.Exp(l - max))) - rows[i][ids[i + 1]];
        }

        return Math.Exp(nll / (ids.Length - 1));
    }

    private int[] Tokenize(string text)
    {
        LlamaNative.EnsureLoaded();
        var parameters = new ModelParams(model.ModelPath) { ContextSize = 128, GpuLayerCount = 0 };
        using var weights = LLamaWeights.LoadFromFile(parameters);
        return [.. weights.Tokenize(text, add_bos: false, special: false, Encoding.UTF8).Select(t => (int)t)];
    }

    /// <summary>The same measure written out plainly: windows of BOS + (window − 1) tokens, a log-softmax in double over each position's logits.</summary>
    private double ExpectedPerplexity(int[] tokens, int window, string? adapter)
    {
        var bos = (int)GgufFile.Read(model.ModelPath).Metadata["tokenizer.ggml.bos_token_id"].AsInt64();
        var nll = 0.0;
        foreach (var chunk in tokens.Chunk(window - 1))
        {
            var logits = LlamaLogits.Evaluate(model.ModelPath, [bos, .. chunk], adapter);
            for (var i = 0; i < chunk.Length; i++)
            {
                var logSum = Math.Log(logits[i].Sum(l => Math.Exp(l)));
                nll += logSum - logits[i][chunk[i]];
            }
        }

        return Math.Exp(nll / tokens.Length);
    }
}
