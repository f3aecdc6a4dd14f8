using System.Net.Http.Json;
using System.Text.Json;

namespace RagStack.Api.Tests;

/// <summary>Posts JSON to the service and reads replies as raw JSON, so tests check the wire contract, not our own types.</summary>
public static class ApiClient
{
    public static async Task<(HttpResponseMessage Response, JsonElement Body)> PostAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public static void AssertProblem(HttpResponseMessage response, JsonElement body, int status, string detailContains)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(status, body.GetProperty("status").GetInt32());
        Assert.Contains(detailContains, body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
