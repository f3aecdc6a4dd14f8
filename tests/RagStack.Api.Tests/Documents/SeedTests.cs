using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace RagStack.Api.Tests.Documents;

public sealed class SeedTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "ragstack-api-seed-" + Guid.NewGuid().ToString("N"));
    private readonly string _corpus = Path.Combine(Path.GetTempPath(), "ragstack-api-corpus-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        foreach (var folder in new[] { _data, _corpus })
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS; it is in the temp folder.
            }
        }
    }

    [Fact]
    public async Task The_seed_folder_is_ingested_on_first_start_only_honouring_its_ignore_file()
    {
        Directory.CreateDirectory(Path.Combine(_corpus, "guides"));
        File.WriteAllText(Path.Combine(_corpus, "owls.md"), "# Owls\n\nBarn owls swallow voles whole and cough up pellets.");
        File.WriteAllText(Path.Combine(_corpus, "guides", "bats.txt"), "Pipistrelle bats eat thousands of midges a night.");
        File.WriteAllText(Path.Combine(_corpus, "questions.jsonl"), "{\"question\":\"not a document\"}");
        File.WriteAllText(Path.Combine(_corpus, ".ragstackignore"), "questions.jsonl\n");

        var names = await RunAsync();
        File.WriteAllText(Path.Combine(_corpus, "later.md"), "# Later\n\nAdded after the first start.");
        var namesAfterRestart = await RunAsync();

        Assert.Equal(["guides/bats.txt", "owls.md"], names);
        Assert.Equal(names, namesAfterRestart);
    }

    private async Task<List<string>> RunAsync()
    {
        await using var api = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("RagStack:DataDirectory", _data);
            b.UseSetting("RagStack:Uploads:SeedFolder", _corpus);
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
