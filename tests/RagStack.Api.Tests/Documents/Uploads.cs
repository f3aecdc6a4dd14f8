using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace RagStack.Api.Tests.Documents;

/// <summary>Builds multipart uploads by hand, so tests can send what a browser would not: hostile names, bodies cut short.</summary>
public static class Uploads
{
    public const string Boundary = "ragstack-test-boundary";

    /// <summary>A multipart body with one file part per entry; the file name goes on the wire exactly as given.</summary>
    public static byte[] Body(IEnumerable<(string FileName, byte[] Bytes)> files, bool close = true)
    {
        using var body = new MemoryStream();
        foreach (var (fileName, bytes) in files)
        {
            Write(body, $"--{Boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{fileName}\"\r\nContent-Type: application/octet-stream\r\n\r\n");
            body.Write(bytes);
            Write(body, "\r\n");
        }

        if (close)
        {
            Write(body, $"--{Boundary}--\r\n");
        }

        return body.ToArray();
    }

    public static ByteArrayContent Content(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={Boundary}");
        return content;
    }

    public static async Task<(HttpResponseMessage Response, JsonElement Body)> PostAsync(HttpClient client, string index, params (string FileName, string Text)[] files)
    {
        var body = Body(files.Select(f => (f.FileName, Encoding.UTF8.GetBytes(f.Text))));
        return await SendAsync(client, index, body);
    }

    public static async Task<(HttpResponseMessage Response, JsonElement Body)> SendAsync(HttpClient client, string index, byte[] body)
    {
        var response = await client.PostAsync($"/api/indexes/{index}/documents", Content(body));
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Polls a document's status URL until it is ready or failed.</summary>
    public static async Task<JsonElement> WaitUntilDoneAsync(HttpClient client, string statusUrl, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(2));
        while (true)
        {
            using var response = await client.GetAsync(statusUrl);
            response.EnsureSuccessStatusCode();
            var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            var status = document.GetProperty("status").GetString();
            if (status is "ready" or "failed")
            {
                return document;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{statusUrl} still {status} after the timeout");
            await Task.Delay(100);
        }
    }

    private static void Write(Stream stream, string text) => stream.Write(Encoding.UTF8.GetBytes(text));
}
