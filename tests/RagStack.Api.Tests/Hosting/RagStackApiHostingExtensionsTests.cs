using System.Net;
using System.Text;
using System.Text.Json;
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
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_bad_request_saying_why()
    {
        using var content = new StringContent("{\"query\": ", Encoding.UTF8, "application/json");
        using var response = await api.CreateClient().PostAsync("/api/search", content);

        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        AssertProblem(response, body, 400, "as JSON");
    }

    [Fact]
    public void The_service_uses_the_configured_data_folder()
    {
        Assert.True(File.Exists(Path.Combine(api.DataDirectory, "ragstack.json")));
    }
}
