using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace RagStack.Api.Tests.Hosting;

/// <summary>
/// One data folder with its own ragstack.json answers the same through the real <c>ragstack</c> CLI (a child process) and
/// through the API, because both compose through <c>AddRagStack(configuration)</c> and read the folder's settings.
/// </summary>
public sealed class OneDataFolderEverywhereTests : IDisposable
{
    private const string Question = "How should tomato plants be watered and pruned?";

    // Reciprocal-rank fusion with k = 10 scores the best chunk at most 2/11 (both rankings' first), where the default
    // min–max scaled fusion scores it about 1.
    private const string Settings = """{ "RagStack": { "Retrieval": { "Fusion": "ReciprocalRank", "FusionK": 10 } } }""";

    private readonly TemporaryFolder _root = new("ragstack-one-folder-");

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task A_non_default_retrieval_setting_in_ragstack_json_gives_the_same_answer_through_the_CLI_and_the_API()
    {
        var configured = await PrepareAsync("configured", Settings);
        var plain = await PrepareAsync("plain", settings: null);

        var cli = await CliAskAsync(configured);
        var api = await ApiAskAsync(configured);
        var cliScores = await CliSearchScoresAsync(configured);
        var apiScores = await ApiSearchScoresAsync(configured);
        var defaultScores = await CliSearchScoresAsync(plain);

        Assert.Equal(Sources(cli), Sources(api));
        Assert.Equal(cli.GetProperty("text").GetString(), api.GetProperty("text").GetString());
        Assert.NotEmpty(Sources(cli));
        Assert.Equal(cliScores, apiScores);
        Assert.InRange(cliScores[0], 0.01, 2.0 / 11 + 1e-9);
        Assert.InRange(defaultScores[0], 0.5, 1.0 + 1e-9);
    }

    /// <summary>A data folder with four short notes ingested by the CLI and, when given, the settings file.</summary>
    private async Task<string> PrepareAsync(string name, string? settings)
    {
        var folder = Path.Combine(_root.FullName, name);
        var notes = Path.Combine(_root.FullName, name + "-notes");
        Directory.CreateDirectory(folder);
        Directory.CreateDirectory(notes);
        await File.WriteAllTextAsync(Path.Combine(notes, "watering.md"), "# Watering\n\nTomato plants need deep watering twice a week; water the soil, not the leaves.");
        await File.WriteAllTextAsync(Path.Combine(notes, "pruning.md"), "# Pruning\n\nPinch out the side shoots of tomato plants so they put their energy into fruit.");
        await File.WriteAllTextAsync(Path.Combine(notes, "feeding.md"), "# Feeding\n\nFeed tomato plants a high-potash liquid once the first truss has set.");
        await File.WriteAllTextAsync(Path.Combine(notes, "staking.md"), "# Staking\n\nTie tall tomato plants to a stake as they grow, loosely, with soft twine.");
        if (settings is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "ragstack.json"), settings);
        }

        var (exit, _, error) = await RunCliAsync(folder, "ingest", notes, "--index", "garden");
        Assert.True(exit == 0, $"ragstack ingest exited {exit}: {error}");
        return folder;
    }

    private static async Task<JsonElement> CliAskAsync(string folder)
    {
        var (exit, output, error) = await RunCliAsync(folder, "ask", Question, "--index", "garden", "--json");
        Assert.True(exit == 0, $"ragstack ask exited {exit}: {error}");
        return JsonDocument.Parse(output).RootElement;
    }

    private static async Task<JsonElement> ApiAskAsync(string folder) =>
        await ApiPostAsync(folder, "/api/ask", new { question = Question, index = "garden" });

    private static async Task<List<double>> CliSearchScoresAsync(string folder)
    {
        var (exit, output, error) = await RunCliAsync(folder, "search", Question, "--index", "garden", "--json");
        Assert.True(exit == 0, $"ragstack search exited {exit}: {error}");
        return [.. JsonDocument.Parse(output).RootElement.EnumerateArray().Select(r => r.GetProperty("score").GetDouble())];
    }

    private static async Task<List<double>> ApiSearchScoresAsync(string folder)
    {
        var body = await ApiPostAsync(folder, "/api/search", new { query = Question, index = "garden" });
        return [.. body.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("score").GetDouble())];
    }

    private static async Task<JsonElement> ApiPostAsync(string folder, string path, object body)
    {
        await using var api = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b.UseSetting("RagStack:DataDirectory", folder));
        using var http = api.CreateClient();
        using var response = await http.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    /// <summary>The cited documents and passages, in order; the CLI and the API name the document in their own shapes.</summary>
    private static List<string> Sources(JsonElement answer) =>
        [.. answer.GetProperty("sources").EnumerateArray().Select(s =>
            (s.TryGetProperty("citation", out var citation) ? citation : s).GetProperty("documentId").GetString() + " | " + s.GetProperty("snippet").GetString())];

    /// <summary>Runs the real <c>ragstack</c> executable, built in the CLI project beside this one, on <paramref name="folder"/>.</summary>
    private static Task<(int ExitCode, string Out, string Error)> RunCliAsync(string folder, params string[] arguments)
    {
        // tests/RagStack.Api.Tests/bin/<configuration>/<framework>/ → src/RagStack.Cli/bin/<configuration>/<framework>/ragstack.dll
        var output = new DirectoryInfo(AppContext.BaseDirectory);
        var executable = RepositoryFolders.InRepository("src", "RagStack.Cli", "bin", output.Parent!.Name, output.Name, "ragstack.dll");
        return RagStackCli.RunAsync(executable, folder, environment: null, arguments);
    }
}
