using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace RagStack.ModelHost.Tests;

/// <summary>Program.cs itself, in process: configuration from settings, the API mapped, the model loaded at start.</summary>
[Collection(ModelHostCollection.Name)]
public sealed class ProgramTests(ModelHostFixture host)
{
    [Fact]
    public async Task The_program_serves_the_configured_model_and_health()
    {
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web
            .UseSetting("RagStack:Generator:ModelPath", host.ModelPath)
            .UseSetting("RagStack:Generator:ContextLength", "128")
            .UseSetting($"RagStack:ModelHost:Adapters:{ModelHostFixture.Adapter}", host.AdapterPath));
        using var http = factory.CreateClient();

        using var health = await http.GetAsync(new Uri("/health", UriKind.Relative));
        var models = await http.GetFromJsonAsync<ModelListBody>(new Uri("/v1/models", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal([ModelHostFixture.BaseId, ModelHostFixture.AdapterId, "snowflake-arctic-embed-xs"], models!.Data.Select(m => m.Id));
    }

    private sealed record ModelListBody(IReadOnlyList<ModelBody> Data);

    private sealed record ModelBody(string Id);
}
