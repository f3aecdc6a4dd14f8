using System.Text.Json;

namespace RagStack.Cli.Tests.Reindex;

/// <summary><c>ragstack reindex</c> and <c>--store qdrant</c> end to end: the real executable on real data folders.</summary>
public sealed class ReindexCommandTests
{
    private static string Corpus => RepositoryFolders.InRepository("corpora", "genai-engineering");

    [Fact]
    public async Task Reindex_moves_an_index_into_a_new_data_folder_that_then_answers_the_same_search()
    {
        using var cli = new CliProcess();
        using var target = new TemporaryFolder("ragstack-reindex-target-");
        await cli.JsonAsync("ingest", Corpus, "--index", "genai");

        var moved = await cli.JsonAsync("reindex", "--index", "genai", "--to", "embedded", "--target-data-dir", target.FullName);
        var again = await cli.JsonAsync("reindex", "--index", "genai", "--to", "embedded", "--target-data-dir", target.FullName);

        Assert.True(moved.GetProperty("countsMatch").GetBoolean());
        Assert.True(moved.GetProperty("documents").GetInt32() >= 12);
        Assert.Equal(moved.GetProperty("documents").GetInt32(), moved.GetProperty("copied").GetInt32());
        Assert.Equal(moved.GetProperty("sourceChunks").GetInt64(), moved.GetProperty("targetChunks").GetInt64());
        Assert.Equal(0, again.GetProperty("copied").GetInt32());
        Assert.Equal(moved.GetProperty("documents").GetInt32(), again.GetProperty("alreadyThere").GetInt32());
        var here = await Search(cli.DataDir);
        var there = await Search(target.FullName);
        Assert.Equal(here, there);
    }

    [Fact]
    public async Task Reindexing_into_the_store_it_is_in_is_refused()
    {
        using var cli = new CliProcess();

        var (exitCode, _, error) = await cli.RunAsync("reindex", "--index", "genai", "--to", "embedded");

        Assert.Equal(2, exitCode);
        Assert.Contains("is in the embedded store already", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingesting_into_a_qdrant_that_is_down_fails_the_document_clearly_and_it_can_be_ingested_again()
    {
        using var cli = new CliProcess();
        using var folder = new TemporaryFolder("ragstack-qdrant-down-");
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, "notes.md"), "# Notes\n\nContinuous batching admits new requests between decode steps.");
        cli.Environment["RagStack__Qdrant__MaxRetries"] = "1";
        cli.Environment["RagStack__Qdrant__RetryDelay"] = "00:00:00.010";
        var endpoint = LoopbackListener.ClosedAddress();

        var (exitCode, _, error) = await cli.RunAsync("ingest", folder.FullName, "--store", "qdrant", "--qdrant-endpoint", endpoint);
        var listed = (await cli.JsonAsync("docs", "list")).EnumerateArray().Single();
        var retried = await cli.JsonAsync("ingest", folder.FullName);

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"Qdrant at {endpoint} did not answer", error, StringComparison.Ordinal);
        Assert.Equal("failed", listed.GetProperty("status").GetString(), ignoreCase: true);
        Assert.Equal("ingested", retried.GetProperty("documents").EnumerateArray().Single().GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task The_qdrant_store_without_an_endpoint_is_refused_at_start_naming_the_setting()
    {
        using var cli = new CliProcess();

        var (exitCode, _, error) = await cli.RunAsync("search", "anything", "--store", "qdrant");

        Assert.Equal(1, exitCode);
        Assert.Contains("RagStack:Qdrant:Endpoint is not set", error, StringComparison.Ordinal);
    }

    private static async Task<List<string>> Search(string dataDir)
    {
        var (exitCode, output, error) = await RagStackCli.RunAsync(Path.Combine(AppContext.BaseDirectory, "ragstack.dll"), dataDir, null,
            "search", "how many parameters does LoRA train", "--index", "genai", "--top", "5", "--json");
        Assert.True(exitCode == 0, error);
        return JsonDocument.Parse(output).RootElement.EnumerateArray()
            .Select(r => $"{r.GetProperty("document").GetString()}:{r.GetProperty("text").GetString()}").ToList();
    }
}
