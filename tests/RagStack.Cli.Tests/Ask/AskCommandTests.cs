using System.Text.Json;

namespace RagStack.Cli.Tests.Ask;

/// <summary><c>ragstack ask</c> end to end without a generator model: the real executable on the real corpus.</summary>
public sealed class AskCommandTests
{
    private static string Corpus => RepositoryFolders.InRepository("corpora", "genai-engineering");

    [Fact]
    public async Task Ask_without_a_model_prints_the_best_passages_then_their_sources_and_refuses_off_topic_questions()
    {
        using var cli = new CliProcess();
        await cli.JsonAsync("ingest", Corpus, "--index", "genai");

        var (exitCode, output, error) = await cli.RunAsync("ask", "How many parameters does LoRA train for a 4096×4096 projection at rank 8?", "--index", "genai");

        Assert.True(exitCode == 0, error);
        Assert.Matches(@"^\S[^\n]* \[1\]\n", output);
        var sources = output[output.IndexOf("\nSources:\n", StringComparison.Ordinal)..].Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        Assert.Matches(@"^  \[1\] \S", sources[0]);
        Assert.Contains(sources, l => l.Contains("lora-and-qlora.pdf, p. 2", StringComparison.Ordinal));
        Assert.Contains("65,536", output, StringComparison.Ordinal);
        Assert.Contains("ragstack models pull", output, StringComparison.Ordinal);

        var json = await cli.JsonAsync("ask", "How many parameters does LoRA train for a 4096×4096 projection at rank 8?", "--index", "genai", "--no-stream");
        Assert.Equal("extractive", json.GetProperty("kind").GetString());
        var cited = json.GetProperty("sources").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(1, cited.Count), cited.Select(s => s.GetProperty("number").GetInt32()));
        Assert.Contains(cited, s => s.GetProperty("document").GetString() == "lora-and-qlora.pdf" && s.GetProperty("page").GetInt32() == 2);
        var quoted = cited.SelectMany(s => s.GetProperty("highlights").EnumerateArray().Select(h => s.GetProperty("snippet").GetString()!.Substring(h.GetProperty("start").GetInt32(), h.GetProperty("length").GetInt32())));
        Assert.Contains(quoted, q => q.Contains("65,536", StringComparison.Ordinal));

        var offTopic = await cli.JsonAsync("ask", "What is the capital of Peru?", "--index", "genai");
        Assert.Equal("noRelevantContext", offTopic.GetProperty("kind").GetString());
        Assert.Empty(offTopic.GetProperty("sources").EnumerateArray());
        Assert.Equal(JsonValueKind.Number, offTopic.GetProperty("relevance").ValueKind);
    }

    [Fact]
    public async Task A_model_file_that_does_not_exist_is_named_in_the_error()
    {
        using var cli = new CliProcess();

        var (exitCode, _, error) = await cli.RunAsync("ask", "what is LoRA", "--model", "no/such/model.gguf");

        Assert.Equal(1, exitCode);
        Assert.StartsWith("error: no/such/model.gguf: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_question_is_refused()
    {
        using var cli = new CliProcess();

        var (exitCode, output, error) = await cli.RunAsync("ask", " ");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("The question is empty.", output + error, StringComparison.Ordinal);
    }
}
