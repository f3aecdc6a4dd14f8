using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace RagStack.Api.Streaming;

/// <summary>
/// A response written as server-sent events: <c>event: name</c> and one <c>data:</c> line of compact JSON (in the API's
/// JSON settings) per event, each flushed as it is written, unbuffered and uncached.
/// </summary>
internal sealed class EventStream
{
    /// <summary>The media type of server-sent events.</summary>
    public const string MediaType = "text/event-stream";

    private readonly HttpResponse _response;
    private readonly JsonSerializerOptions _json;

    private EventStream(HttpResponse response, JsonSerializerOptions json)
    {
        _response = response;
        _json = json;
    }

    /// <summary>Starts the event stream on <paramref name="http"/>'s response.</summary>
    public static EventStream Start(HttpContext http)
    {
        var json = http.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        http.Response.ContentType = MediaType;
        http.Response.Headers.CacheControl = "no-cache";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        return new EventStream(http.Response, json);
    }

    /// <summary>True when the request asked for server-sent events (<c>Accept: text/event-stream</c>).</summary>
    public static bool IsWanted(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(MediaType, StringComparison.OrdinalIgnoreCase));

    /// <summary>Writes one event and flushes it.</summary>
    public async Task WriteAsync<T>(string name, T data, CancellationToken cancellationToken)
    {
        // Compact JSON has no line breaks, so one data line carries the whole event.
        var line = $"event: {name}\ndata: {JsonSerializer.Serialize(data, _json)}\n\n";
        await _response.Body.WriteAsync(Encoding.UTF8.GetBytes(line), cancellationToken);
        await _response.Body.FlushAsync(cancellationToken);
    }
}
