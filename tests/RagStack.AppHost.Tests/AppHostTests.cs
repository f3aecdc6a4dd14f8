using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Aspire.Hosting.Testing;

namespace RagStack.AppHost.Tests;

public sealed class AppHostTests(AppHostFixture fixture) : IClassFixture<AppHostFixture>
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(3);

    [SkippableFact]
    public void The_api_runs_on_the_data_folder_given_as_the_data_dir_parameter()
    {
        Skip.If(SharedModels.Stories260K is null, SharedModels.Missing);

        // The API writes the folder's settings file when it opens the folder, so it shows which folder it runs on.
        Assert.True(File.Exists(Path.Combine(fixture.DataDirectory, "ragstack.json")), $"The API did not open {fixture.DataDirectory}.");
    }

    [SkippableFact]
    public async Task The_api_searches_and_answers_once_healthy()
    {
        Skip.If(SharedModels.Stories260K is null, SharedModels.Missing);
        using var timeout = new CancellationTokenSource(TestTimeout);
        using var api = fixture.App.CreateHttpClient("api", "http");

        using var search = await api.PostAsJsonAsync("/api/search", new { query = "low-rank adapters", index = "genai" }, timeout.Token);
        using var ask = await api.PostAsJsonAsync("/api/ask", new { question = "What does LoRA train?", index = "genai" }, timeout.Token);

        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        var results = await ReadJsonAsync(search, timeout.Token);
        Assert.Equal("genai", results.GetProperty("index").GetString());
        Assert.Equal(JsonValueKind.Array, results.GetProperty("results").ValueKind);
        Assert.Equal(HttpStatusCode.OK, ask.StatusCode);
        var answer = await ReadJsonAsync(ask, timeout.Token);
        Assert.False(string.IsNullOrWhiteSpace(answer.GetProperty("text").GetString()));
    }

    [SkippableTheory]
    [InlineData("modelhost")]
    [InlineData("api")]
    [InlineData("web")]
    public async Task Each_service_answers_its_liveness_and_health_checks(string resource)
    {
        Skip.If(SharedModels.Stories260K is null, SharedModels.Missing);
        using var timeout = new CancellationTokenSource(TestTimeout);
        using var client = fixture.App.CreateHttpClient(resource, "http");

        using var alive = await client.GetAsync("/alive", timeout.Token);
        using var health = await client.GetAsync("/health", timeout.Token);

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [SkippableFact]
    public async Task The_web_app_serves_the_blazor_chat_with_its_own_assets_and_forwards_no_api_route()
    {
        Skip.If(SharedModels.Stories260K is null, SharedModels.Missing);
        using var timeout = new CancellationTokenSource(TestTimeout);
        using var web = fixture.App.CreateHttpClient("web", "http");

        var page = await web.GetStringAsync("/", timeout.Token);
        var script = System.Text.RegularExpressions.Regex.Match(page, "<script src=\"(_framework/blazor\\.web[^\"]*\\.js)\"").Groups[1].Value;
        using var blazor = await web.GetAsync("/" + script, timeout.Token);
        // The API is no longer forwarded: the page talks to the web app only, and the web app to the API by the typed client.
        using var api = await web.GetAsync("/api/status", timeout.Token);

        Assert.NotEmpty(script);
        Assert.Equal(HttpStatusCode.OK, blazor.StatusCode);
        Assert.Contains("app.", page, StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.OK, api.StatusCode);
    }

    [SkippableFact]
    public async Task The_sample_corpus_is_seeded_into_genai_on_first_start_and_searchable()
    {
        Skip.If(SharedModels.Stories260K is null, SharedModels.Missing);
        using var timeout = new CancellationTokenSource(TestTimeout);
        using var api = fixture.App.CreateHttpClient("api", "http");

        var documents = await WaitUntilAllProcessedAsync(api, "/api/indexes/genai/documents", timeout.Token);
        using var search = await api.PostAsJsonAsync("/api/search", new { query = "LoRA low-rank adapters", index = "genai", top = 3 }, timeout.Token);

        Assert.Contains(documents, d => d.GetProperty("name").GetString() == "lora-and-qlora.pdf");
        Assert.All(documents, d => Assert.Equal("ready", d.GetProperty("status").GetString()));
        var results = (await ReadJsonAsync(search, timeout.Token)).GetProperty("results");
        Assert.NotEqual(0, results.GetArrayLength());
    }

    [SkippableFact]
    public async Task An_uploaded_document_is_ingested_and_grounds_the_model_hosts_answer()
    {
        Skip.If(SharedModels.Stories260K is null, SharedModels.Missing);
        using var timeout = new CancellationTokenSource(TestTimeout);
        using var api = fixture.App.CreateHttpClient("api", "http");
        var index = "apphost-" + Guid.NewGuid().ToString("N")[..8];
        const string name = "lighthouse.md";
        const string markdown = """
            # The Quillmere lighthouse

            ## Upkeep

            Every spring the keeper of the Quillmere lighthouse paints the lamp room saffron yellow, using exactly
            forty-two litres of paint.
            """;

        using var upload = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.UTF8.GetBytes(markdown)) { Headers = { ContentType = new MediaTypeHeaderValue("text/markdown") } }, "files", name },
        };
        using var accepted = await api.PostAsync($"/api/indexes/{index}/documents", upload, timeout.Token);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var document = (await ReadJsonAsync(accepted, timeout.Token)).GetProperty("documents")[0];
        Assert.Equal(name, document.GetProperty("name").GetString());
        Assert.Equal($"/api/indexes/{index}/documents/{document.GetProperty("id").GetString()}", document.GetProperty("statusUrl").GetString());

        var status = await WaitUntilProcessedAsync(api, document.GetProperty("statusUrl").GetString()!, timeout.Token);
        Assert.True(status.GetProperty("status").GetString() == "ready", $"The document did not become ready: {status}");

        using var ask = await api.PostAsJsonAsync("/api/ask", new { question = "What colour is the Quillmere lamp room painted?", index }, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, ask.StatusCode);
        var answer = await ReadJsonAsync(ask, timeout.Token);
        // Written by the model host's model, which the AppHost gave the API as its generator.
        Assert.Equal("generated", answer.GetProperty("kind").GetString());
        // The small test model seldom writes [n]; an answer that cites nothing names what the model was given instead.
        var cited = answer.GetProperty("sources").EnumerateArray().Any(s => s.GetProperty("citation").GetProperty("document").GetString() == name);
        var given = answer.GetProperty("notice").GetString() is { } notice && notice.Contains(name, StringComparison.Ordinal);
        Assert.True(cited || given, $"The answer is not grounded on {name}: {answer}");
    }

    /// <summary>Polls a document's status until the pipeline is done with it, either way.</summary>
    private static async Task<JsonElement> WaitUntilProcessedAsync(HttpClient api, string statusUrl, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var response = await api.GetAsync(statusUrl, cancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var status = await ReadJsonAsync(response, cancellationToken);
            if (status.GetProperty("status").GetString() is "ready" or "failed")
            {
                return status;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }

    /// <summary>Polls an index's document list until it has documents and the pipeline is done with every one.</summary>
    private static async Task<List<JsonElement>> WaitUntilAllProcessedAsync(HttpClient api, string listUrl, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var response = await api.GetAsync(listUrl, cancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var documents = (await ReadJsonAsync(response, cancellationToken)).GetProperty("documents").EnumerateArray().ToList();
            if (documents.Count > 0 && documents.All(d => d.GetProperty("status").GetString() is "ready" or "failed"))
            {
                return documents;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return json.RootElement.Clone();
    }
}
