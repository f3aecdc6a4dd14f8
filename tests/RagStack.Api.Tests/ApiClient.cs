using System.Net.Http.Headers;
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

    /// <summary>Asks for a streamed answer and reads every event until the service closes the stream.</summary>
    public static async Task<IReadOnlyList<ServerSentEvent>> AskStreamingAsync(HttpClient client, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ask") { Content = JsonContent.Create(body) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = new List<ServerSentEvent>();
        await foreach (var e in ServerSentEvents.ReadAsync(await response.Content.ReadAsStreamAsync()))
        {
            events.Add(e);
        }

        return events;
    }

    public static void AssertProblem(HttpResponseMessage response, JsonElement body, int status, string detailContains)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(status, body.GetProperty("status").GetInt32());
        Assert.Contains(detailContains, body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
