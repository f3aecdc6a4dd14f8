using System.Text.Json;

namespace RagStack.Cli.Tests;

/// <summary>The CLI end to end: the real executable, the real corpus, the embedded store in a temporary folder.</summary>
public sealed class CommandLineTests
{
    private static string Corpus => RepositoryFolders.InRepository("corpora", "genai-engineering");

    [Fact]
    public async Task Ingest_then_search_finds_the_lora_parameter_count_with_a_page_citation()
    {
        using var cli = new CliProcess();

        var ingest = await cli.JsonAsync("ingest", Corpus, "--index", "genai");
        var documents = ingest.GetProperty("documents").EnumerateArray().ToList();
        Assert.True(documents.Count >= 12);
        Assert.All(documents, d => Assert.Equal("ingested", d.GetProperty("outcome").GetString()));
        Assert.DoesNotContain(documents, d => d.GetProperty("name").GetString()!.EndsWith(".jsonl", StringComparison.Ordinal));

        var results = (await cli.JsonAsync("search", "how many parameters does LoRA train", "--index", "genai", "--top", "5")).EnumerateArray().ToList();
        Assert.Equal(5, results.Count);
        var lora = results.Where(r => r.GetProperty("document").GetString() == "lora-and-qlora.pdf").ToList();
        Assert.NotEmpty(lora);
        Assert.Contains(lora, r => r.GetProperty("text").GetString()!.Contains("65,536", StringComparison.Ordinal) && r.GetProperty("page").GetInt32() == 2);

        var eval = await cli.JsonAsync("eval", "--questions", Path.Combine(Corpus, "questions.jsonl"), "--index", "genai");
        Assert.True(eval.GetProperty("questions").GetInt32() >= 40);
        var modes = eval.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("byDocument")).ToList();
        Assert.Equal(["hybrid", "dense", "keyword"], modes.Select(m => m.GetProperty("system").GetString()));
        // A sanity floor, not the quality target (that is measured by 'ragstack eval' and reported): retrieval works at all.
        Assert.All(modes, m => Assert.InRange(m.GetProperty("recallAt5").GetDouble(), 0.5, 1.0));

        var again = await cli.JsonAsync("ingest", Corpus, "--index", "genai");
        Assert.All(again.GetProperty("documents").EnumerateArray(), d => Assert.Equal("unchanged", d.GetProperty("outcome").GetString()));

        var deleted = await cli.JsonAsync("docs", "delete", "lora-and-qlora.pdf", "--index", "genai");
        Assert.Equal("lora-and-qlora.pdf", deleted.GetProperty("name").GetString());
        var after = (await cli.JsonAsync("search", "how many parameters does LoRA train", "--index", "genai", "--top", "10")).EnumerateArray();
        Assert.DoesNotContain(after, r => r.GetProperty("document").GetString() == "lora-and-qlora.pdf");
        var list = (await cli.JsonAsync("docs", "list", "--index", "genai")).EnumerateArray().ToList();
        Assert.Equal(documents.Count - 1, list.Count);
    }

    [Fact]
    public async Task A_bad_file_gets_one_line_naming_it_and_the_rest_of_the_batch_is_ingested()
    {
        using var cli = new CliProcess();
        var folder = Directory.CreateTempSubdirectory("ragstack-bad-batch-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "good.md"), "# Notes\n\nContinuous batching admits new requests between decode steps.");
            await File.WriteAllBytesAsync(Path.Combine(folder.FullName, "photo.pdf"), [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0]);
            await File.WriteAllBytesAsync(Path.Combine(folder.FullName, "empty.txt"), []);

            var (exitCode, _, error) = await cli.RunAsync("ingest", folder.FullName);

            Assert.Equal(1, exitCode);
            var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains(lines, l => l.StartsWith("error: photo.pdf: ", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.StartsWith("error: empty.txt: ", StringComparison.Ordinal));
            var list = (await cli.JsonAsync("docs", "list")).EnumerateArray().ToList();
            Assert.Contains(list, d => d.GetProperty("name").GetString() == "good.md" && d.GetProperty("status").GetString() == "ready");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_path_that_does_not_exist_is_named_in_the_error()
    {
        using var cli = new CliProcess();

        var (exitCode, _, error) = await cli.RunAsync("ingest", "no/such/folder");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("no/such/folder", error, StringComparison.Ordinal);
    }
}
