using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace RagStack.Api.Tests.OpenAi;

/// <summary>The RAG service draws with the shipped model and serves the images it stored.</summary>
[Collection(ApiCollection.Name)]
public sealed class ImagesTests(ApiFixture api)
{
    [Fact]
    public async Task A_url_reply_is_served_by_the_api_from_its_data_folder()
    {
        var client = api.CreateClient();
        using var response = await client.PostAsJsonAsync("/v1/images/generations", new { prompt = "a blue triangle on a white background", steps = 2, seed = 9, response_format = "url" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var url = new Uri((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data")[0].GetProperty("url").GetString()!);

        using var image = await client.GetAsync(url.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
        var id = Path.GetFileNameWithoutExtension(url.AbsolutePath);
        Assert.Equal(await image.Content.ReadAsByteArrayAsync(), File.ReadAllBytes(Path.Combine(api.DataDirectory, "images", id + ".png")));
    }
}
