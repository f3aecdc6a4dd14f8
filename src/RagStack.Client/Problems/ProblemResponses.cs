using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace RagStack.Client;

/// <summary>The problem details body RagStack.Api answers errors with.</summary>
internal sealed record ProblemBody(string? Title, string? Detail, int? Status);

/// <summary>Turns a refused response into a <see cref="RagStackApiException"/> carrying the API's message.</summary>
internal static class ProblemResponses
{
    private const int MaxPlainTextDetail = 500;

    /// <summary>Returns when <paramref name="response"/> succeeded; otherwise throws with its problem details.</summary>
    public static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await ReadAsync(response, cancellationToken);
        }
    }

    public static async Task<RagStackApiException> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var reason = response.ReasonPhrase is { Length: > 0 } phrase ? phrase : response.StatusCode.ToString();
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.Content.Headers.ContentType?.MediaType is { } type && type.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                if (JsonSerializer.Deserialize<ProblemBody>(text, ApiJson.Options) is { } problem)
                {
                    return new RagStackApiException(response.StatusCode, problem.Title ?? reason, problem.Detail, RetryAfterOf(response));
                }
            }
            catch (JsonException)
            {
                // Not problem details after all: the body is shown as text below.
            }
        }

        var detail = text.Length > MaxPlainTextDetail ? text[..MaxPlainTextDetail] + "…" : text;
        return new RagStackApiException(response.StatusCode, reason, detail.Trim() is { Length: > 0 } trimmed ? trimmed : null, RetryAfterOf(response));
    }

    /// <summary>The wait a <c>Retry-After</c> header asks for, as seconds or as a date; null without one.</summary>
    private static TimeSpan? RetryAfterOf(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is { Ticks: > 0 } wait ? wait : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>The problem of an <c>error</c> event sent after a stream started.</summary>
    public static RagStackApiException FromEvent(string data)
    {
        var problem = JsonSerializer.Deserialize<ProblemBody>(data, ApiJson.Options);
        var status = problem?.Status is { } code ? (HttpStatusCode)code : HttpStatusCode.InternalServerError;
        return new RagStackApiException(status, problem?.Title ?? "The answer failed", problem?.Detail);
    }

    /// <summary>Reads a JSON body, failing with the API's message when there is none.</summary>
    public static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(ApiJson.Options, cancellationToken)
            ?? throw new RagStackApiException(response.StatusCode, "Empty response", $"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode} with no body.");
    }
}
