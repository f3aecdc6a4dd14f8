using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;

namespace RagStack.ModelHost.Tests.Images;

/// <summary>The host's <c>/v1/images/generations</c> over raw HTTP and through RagStack's remote backend (the OpenAI SDK's image client).</summary>
[Collection(ModelHostCollection.Name)]
public sealed class ImagesApiTests(ModelHostFixture host)
{
    private static (int Width, int Height) SizeOf(byte[] png)
    {
        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        return (bitmap.Width, bitmap.Height);
    }

    private async Task<JsonElement> PostAsync(HttpClient http, object body)
    {
        using var response = await http.PostAsJsonAsync(new Uri(host.BaseAddress, "/v1/images/generations"), body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Base64_images_come_back_at_the_asked_size_and_the_same_seed_draws_the_same_png()
    {
        using var http = new HttpClient();
        var body = new { prompt = "a red circle on a blue background", n = 2, size = "64x64", seed = 3, steps = 2, response_format = "b64_json" };
        var first = await PostAsync(http, body);
        var again = await PostAsync(http, body);
        var data = first.GetProperty("data").EnumerateArray().Select(d => Convert.FromBase64String(d.GetProperty("b64_json").GetString()!)).ToArray();
        Assert.Equal(2, data.Length);
        Assert.All(data, png => Assert.Equal((64, 64), SizeOf(png)));
        Assert.NotEqual(data[0], data[1]);
        Assert.Equal(data[0], Convert.FromBase64String(again.GetProperty("data")[0].GetProperty("b64_json").GetString()!));
    }

    [Fact]
    public async Task A_url_reply_points_at_the_stored_png()
    {
        using var http = new HttpClient();
        var reply = await PostAsync(http, new { prompt = "a yellow star on a black background", size = "64x64", response_format = "url" });
        var url = new Uri(reply.GetProperty("data")[0].GetProperty("url").GetString()!);
        Assert.StartsWith("/images/", url.AbsolutePath, StringComparison.Ordinal);
        using var image = await http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
        Assert.Equal((64, 64), SizeOf(await image.Content.ReadAsByteArrayAsync()));
        using var missing = await http.GetAsync(new Uri(host.BaseAddress, $"/images/{new string('0', 64)}.png"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Theory]
    [InlineData("{\"prompt\":\"a red square\",\"size\":\"big\"}", "size")]
    [InlineData("{\"prompt\":\"a red square\",\"response_format\":\"jpeg\"}", "response_format")]
    [InlineData("{\"size\":\"64x64\"}", "prompt")]
    [InlineData("{\"prompt\":\"a red square\",\"n\":99}", "n")]
    public async Task A_bad_request_is_refused_in_openai_shape_naming_the_field(string json, string param)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(host.BaseAddress, "/v1/images/generations"), new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal(param, error.GetProperty("param").GetString());
    }

#pragma warning disable MEAI001
    [Fact]
    public async Task The_remote_backend_draws_through_the_host_with_the_openai_sdk()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddRagStack(TestConfiguration.Empty(
            ("RagStack:Images:Backend", "Remote"),
            ("RagStack:Images:RemoteEndpoint", new Uri(host.BaseAddress, "/v1").ToString()))).AddImageGeneration();
        await using var provider = services.BuildServiceProvider();
        var generator = provider.GetRequiredService<IImageGenerator>();

        var response = await generator.GenerateImagesAsync("a green square on a yellow background", new ImageGenerationOptions
        {
            ImageSize = new System.Drawing.Size(64, 64),
            ResponseFormat = ImageGenerationResponseFormat.Data,
        });

        var image = Assert.IsType<DataContent>(Assert.Single(response.Contents));
        Assert.Equal((64, 64), SizeOf(image.Data.ToArray()));
    }
#pragma warning restore MEAI001
}
