using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RagStack.Answering;

namespace RagStack.Api.Tests.Hosting;

public sealed class ConfiguredOptionsTests
{
    [Fact]
    public async Task Answering_settings_come_from_configuration_so_a_model_servers_window_can_be_given()
    {
        var folder = Directory.CreateTempSubdirectory("ragstack-api-options-");
        try
        {
            await using var api = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
            {
                b.UseSetting("RagStack:DataDirectory", folder.FullName);
                b.UseSetting("RagStack:Answering:ContextLength", "2048");
            });

            Assert.Equal(2048, api.Services.GetRequiredService<IOptions<AnsweringOptions>>().Value.ContextLength);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}

public sealed class VectorStoreSettingTests
{
    [Fact]
    public void The_qdrant_store_without_an_endpoint_stops_the_start_naming_the_setting()
    {
        using var folder = new TemporaryFolder("ragstack-api-store-");
        using var api = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("RagStack:DataDirectory", folder.FullName);
            b.UseSetting("RagStack:VectorStore", "qdrant");
        });

        var error = Assert.ThrowsAny<Exception>(() => api.CreateClient());

        Assert.Contains("RagStack:Qdrant:Endpoint is not set", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_a_qdrant_that_is_down_the_service_starts_and_a_search_is_answered_503()
    {
        using var folder = new TemporaryFolder("ragstack-api-qdrant-down-");
        await using var api = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("RagStack:DataDirectory", folder.FullName);
            b.UseSetting("RagStack:VectorStore", "Qdrant");
            b.UseSetting("RagStack:Qdrant:Endpoint", LoopbackListener.ClosedAddress());
            b.UseSetting("RagStack:Qdrant:MaxRetries", "1");
            b.UseSetting("RagStack:Qdrant:RetryDelay", "00:00:00.010");
        });
        using var client = api.CreateClient();

        var health = await client.GetAsync(new Uri("/health", UriKind.Relative));
        var search = await client.PostAsJsonAsync(new Uri("/api/search", UriKind.Relative), new { query = "anything", top = 3 });
        var problem = await search.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();

        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, search.StatusCode);
        Assert.Equal("The vector store is unavailable", problem.GetProperty("title").GetString());
    }
}
