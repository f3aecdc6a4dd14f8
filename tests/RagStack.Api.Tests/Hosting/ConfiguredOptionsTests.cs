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
    public void A_vector_store_this_build_does_not_have_stops_the_start_instead_of_being_ignored()
    {
        using var folder = new TemporaryFolder("ragstack-api-store-");
        using var api = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("RagStack:DataDirectory", folder.FullName);
            b.UseSetting("RagStack:VectorStore", "qdrant");
        });

        var error = Assert.ThrowsAny<Exception>(() => api.CreateClient());

        Assert.Contains("RagStack:VectorStore is 'qdrant'", error.ToString(), StringComparison.Ordinal);
    }
}
