using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace RagStack.Api.Tests.Documents;

public sealed class SeedTests : IDisposable
{
    private readonly TemporaryFolder _dataFolder = new("ragstack-api-seed-");
    private readonly TemporaryFolder _corpusFolder = new("ragstack-api-corpus-");

    public void Dispose()
    {
        _dataFolder.Dispose();
        _corpusFolder.Dispose();
    }

    [Fact]
    public async Task The_seed_folder_is_ingested_on_first_start_only_honouring_its_ignore_file()
    {
        Directory.CreateDirectory(Path.Combine(_corpusFolder.FullName, "guides"));
        File.WriteAllText(Path.Combine(_corpusFolder.FullName, "owls.md"), "# Owls\n\nBarn owls swallow voles whole and cough up pellets.");
        File.WriteAllText(Path.Combine(_corpusFolder.FullName, "guides", "bats.txt"), "Pipistrelle bats eat thousands of midges a night.");
        File.WriteAllText(Path.Combine(_corpusFolder.FullName, "questions.jsonl"), "{\"question\":\"not a document\"}");
        File.WriteAllText(Path.Combine(_corpusFolder.FullName, ".ragstackignore"), "questions.jsonl\n");

        var names = await RunAsync();
        File.WriteAllText(Path.Combine(_corpusFolder.FullName, "later.md"), "# Later\n\nAdded after the first start.");
        var namesAfterRestart = await RunAsync();

        Assert.Equal(["guides/bats.txt", "owls.md"], names);
        Assert.Equal(names, namesAfterRestart);
    }

    private async Task<List<string>> RunAsync()
    {
        await using var api = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("RagStack:DataDirectory", _dataFolder.FullName);
            b.UseSetting("RagStack:Uploads:SeedFolder", _corpusFolder.FullName);
            b.UseSetting("RagStack:Uploads:SeedIndex", "wildlife");
        });
        var client = api.CreateClient();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            var list = await client.GetFromJsonAsync<JsonElement>("/api/indexes/wildlife/documents");
            var documents = list.GetProperty("documents").EnumerateArray().ToList();
            if (documents.Count > 0 && documents.All(d => d.GetProperty("status").GetString() == "ready"))
            {
                return [.. documents.Select(d => d.GetProperty("name").GetString()!)];
            }

            Assert.True(DateTime.UtcNow < deadline, "the seed was not ingested in time");
            await Task.Delay(100);
        }
    }
}
