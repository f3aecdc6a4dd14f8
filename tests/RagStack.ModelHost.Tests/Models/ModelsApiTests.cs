using System.ClientModel;
using System.Net;
using OpenAI;
using OpenAI.Models;

namespace RagStack.ModelHost.Tests.Models;

[Collection(ModelHostCollection.Name)]
public sealed class ModelsApiTests(ModelHostFixture host)
{
    [Fact]
    public async Task Models_lists_the_base_model_one_id_per_adapter_and_the_embedding_model()
    {
        var client = new OpenAIModelClient(new ApiKeyCredential("x"), new OpenAIClientOptions { Endpoint = new Uri(host.BaseAddress, "/v1") });

        OpenAIModelCollection models = await client.GetModelsAsync();

        Assert.Equal([ModelHostFixture.BaseId, ModelHostFixture.AdapterId, "snowflake-arctic-embed-xs"], models.Select(m => m.Id));
        Assert.All(models, m => Assert.Equal("ragstack", m.OwnedBy));
        Assert.All(models, m => Assert.InRange(m.CreatedAt, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task Health_answers_200()
    {
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        using var response = await http.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
