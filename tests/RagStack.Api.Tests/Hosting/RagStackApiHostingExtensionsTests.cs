using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static RagStack.Api.Tests.ApiClient;

namespace RagStack.Api.Tests.Hosting;

[Collection(ApiCollection.Name)]
public sealed class RagStackApiHostingExtensionsTests(ApiFixture api)
{
    [Fact]
    public async Task Health_is_ok()
    {
        using var response = await api.CreateClient().GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_lists_the_endpoints()
    {
        using var response = await api.CreateClient().GetAsync("/openapi/v1.json");

        response.EnsureSuccessStatusCode();
        var paths = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("paths");
        Assert.Equal("Search", paths.GetProperty("/api/search").GetProperty("post").GetProperty("operationId").GetString());
        var ask = paths.GetProperty("/api/ask").GetProperty("post");
        Assert.Equal("Ask", ask.GetProperty("operationId").GetString());
        Assert.True(ask.GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("text/event-stream", out _));
        var documents = paths.GetProperty("/api/indexes/{index}/documents");
        Assert.Equal("UploadDocuments", documents.GetProperty("post").GetProperty("operationId").GetString());
        Assert.True(documents.GetProperty("post").GetProperty("requestBody").GetProperty("content").TryGetProperty("multipart/form-data", out _));
        Assert.Equal("ListDocuments", documents.GetProperty("get").GetProperty("operationId").GetString());
        var document = paths.GetProperty("/api/indexes/{index}/documents/{id}");
        Assert.Equal("GetDocument", document.GetProperty("get").GetProperty("operationId").GetString());
        Assert.Equal("DeleteDocument", document.GetProperty("delete").GetProperty("operationId").GetString());
        Assert.Equal("GetDocumentContent", paths.GetProperty("/api/indexes/{index}/documents/{id}/content").GetProperty("get").GetProperty("operationId").GetString());
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_bad_request_saying_why()
    {
        using var content = new StringContent("{\"query\": ", Encoding.UTF8, "application/json");
        using var response = await api.CreateClient().PostAsync("/api/search", content);

        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        AssertProblem(response, body, 400, "The request body is not valid JSON");
    }

    [Fact]
    public void The_service_uses_the_configured_data_folder()
    {
        Assert.True(File.Exists(Path.Combine(api.DataDirectory, "ragstack.json")));
    }

    [Fact]
    public void Without_a_configured_url_the_service_listens_on_loopback_only() =>
        Assert.Equal(RagStackApiHostingExtensions.DefaultUrl, api.Services.GetRequiredService<IConfiguration>()[WebHostDefaults.ServerUrlsKey]);

    [Fact]
    public async Task Domains_in_the_folder_settings_file_are_served_and_the_host_configuration_wins()
    {
        var folder = Path.Combine(Path.GetTempPath(), "ragstack-api-domains-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "ragstack.json"), """
            {"EmbeddingModel": "ArcticXs", "RagStack": {"Domains": {"hr": {"Index": "people"}, "legal": {"Index": "folder-contracts"}}}}
            """);
        try
        {
            await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
                .UseSetting("RagStack:DataDirectory", folder)
                .UseSetting("RagStack:Domains:legal:Index", "host-contracts"));
            var client = factory.CreateClient();

            var (unknown, problem) = await PostAsync(client, "/api/search", new { query = "leave", domain = "medical" });
            var (legal, body) = await PostAsync(client, "/api/search", new { query = "leave", domain = "legal" });

            AssertProblem(unknown, problem, 404, "configured: hr, legal");
            legal.EnsureSuccessStatusCode();
            Assert.Equal("host-contracts", body.GetProperty("index").GetString());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_model_path_that_names_no_file_stops_the_service_at_start()
    {
        var e = await StartFailureAsync<OptionsValidationException>(("RagStack:Generator:ModelPath", Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "missing.gguf")));

        Assert.Contains("RagStack:Generator:ModelPath is '", e.Message, StringComparison.Ordinal);
        Assert.Contains("missing.gguf'; no such file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_misspelt_domain_setting_stops_the_service_at_start_naming_it()
    {
        var e = await StartFailureAsync<OptionsValidationException>(("RagStack:Domains:legal:Adaptor", "legal.gguf"));

        Assert.Equal("RagStack:Domains:legal:Adaptor is not a setting; RagStack:Domains:legal has Adapter, AdapterScale, Index, SystemPrompt.", Assert.Single(e.Failures));
    }

    [Theory]
    [InlineData("RagStack:Retreival:Candidates", "RagStack:Retreival is not a RagStack setting; the sections are ")]
    [InlineData("RagStack:Storage:Embeded:Bm25B", "RagStack:Storage:Embeded is not a RagStack setting; the sections are ")]
    [InlineData("RagStack:Retrieval:Candidate", "RagStack:Retrieval:Candidate is not a setting; RagStack:Retrieval has AdaptiveExponent, AdaptiveKeywordWeight, Candidates, ")]
    public async Task A_misspelt_section_or_setting_anywhere_under_RagStack_stops_the_service_at_start_naming_it(string key, string message)
    {
        var e = await StartFailureAsync<OptionsValidationException>((key, "1"));

        Assert.StartsWith(message, Assert.Single(e.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_misspelt_api_key_setting_stops_the_service_at_start_naming_it()
    {
        var e = await StartFailureAsync<OptionsValidationException>(("RagStack:ApiKeys:0:Key", "k1"), ("RagStack:ApiKeys:0:Tenant", "acme"), ("RagStack:ApiKeys:0:Role", "admin"));

        Assert.Equal("RagStack:ApiKeys:0:Role is not a setting; RagStack:ApiKeys:0 has Key, Tenant.", Assert.Single(e.Failures));
    }

    /// <summary>Starts the service on a fresh data folder with <paramref name="settings"/> and returns the exception that stopped it.</summary>
    private static async Task<TException> StartFailureAsync<TException>(params (string Key, string Value)[] settings)
        where TException : Exception
    {
        var folder = Path.Combine(Path.GetTempPath(), "ragstack-api-start-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
            {
                b.UseSetting("RagStack:DataDirectory", folder);
                foreach (var (key, value) in settings)
                {
                    b.UseSetting(key, value);
                }
            });

            return Assert.Throws<TException>(() => factory.CreateClient());
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
