using System.Text.Json;
using RagStack.Models.Gguf;

namespace RagStack.Cli.Tests.Ask;

/// <summary>
/// <c>ragstack ask</c> with a real llama.cpp generator: the executable loads the model, packs the sources into its window,
/// streams the answer and reports usage. A synthetic model (random weights, built here) runs everywhere; the real
/// stories260K runs when ../shared has it. Neither is instruction-tuned, so the tests check the path, not the prose.
/// </summary>
public sealed class AskWithModelTests
{
    private static string Corpus => RepositoryFolders.InRepository("corpora", "genai-engineering");

    private const string Question = "How many parameters does LoRA train for a 4096×4096 projection at rank 8?";

    [Fact]
    public async Task Ask_with_a_model_generates_within_its_window_and_names_what_it_was_given()
    {
        using var cli = new CliProcess();
        var model = Path.Combine(cli.DataDir, "synthetic.gguf");
        // A 1,536-token window: the built-in byte-level vocabulary makes the 8 retrieved chunks several times longer than
        // that, so packing must drop sources to fit.
        SyntheticLlama.Write(model, new SyntheticLlamaSpec { ContextLength = 1536 });
        await cli.JsonAsync("ingest", Corpus, "--index", "genai");

        var json = await cli.JsonAsync("ask", Question, "--index", "genai", "--model", model, "--max-tokens", "24");

        Assert.Equal("generated", json.GetProperty("kind").GetString());
        var usage = json.GetProperty("usage");
        Assert.Equal(1536, usage.GetProperty("contextLength").GetInt32());
        Assert.InRange(usage.GetProperty("promptTokens").GetInt32() + usage.GetProperty("outputTokens").GetInt32(), 1, 1536);
        Assert.InRange(usage.GetProperty("outputTokens").GetInt32(), 1, 24);

        var (exitCode, output, error) = await cli.RunAsync("ask", Question, "--index", "genai", "--model", model, "--max-tokens", "16");
        Assert.True(exitCode == 0, error);
        Assert.Matches(@"(Sources:|The answer cites no source; the model was given: \S)", output);
    }

    [Fact]
    public async Task An_installed_default_model_is_used_without_naming_it()
    {
        using var cli = new CliProcess();
        var models = Path.Combine(cli.DataDir, "models");
        Directory.CreateDirectory(models);
        SyntheticLlama.Write(Path.Combine(models, "tiny.gguf"), new SyntheticLlamaSpec { ContextLength = 1536 });
        await cli.JsonAsync("ingest", Corpus, "--index", "genai");

        var json = await cli.JsonAsync("ask", Question, "--index", "genai", "--max-tokens", "8");

        Assert.Equal("generated", json.GetProperty("kind").GetString());
    }

    [SkippableFact]
    public async Task Ask_streams_an_answer_from_the_real_stories260K_model()
    {
        var stories = SharedModels.Find("stories260K.gguf");
        Skip.If(stories is null, "../shared/models/stories260K.gguf not found: the shared real models are absent");
        using var cli = new CliProcess();
        await cli.JsonAsync("ingest", Corpus, "--index", "genai");

        var (exitCode, output, error) = await cli.RunAsync("ask", Question, "--index", "genai", "--model", stories!, "--max-tokens", "40");

        Assert.True(exitCode == 0, error);
        Assert.True(output.Trim().Length > 20, $"expected generated text, got: {output}");
        Assert.DoesNotContain("ragstack models pull", output, StringComparison.Ordinal);
    }
}
