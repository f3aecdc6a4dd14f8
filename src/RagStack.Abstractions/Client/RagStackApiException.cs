using System.Net;

namespace RagStack.Client;

/// <summary>
/// RagStack.Api refused a call: its status and the problem details it answered with (RFC 7807). The message is the
/// API's own, so it can be shown to a user as it is.
/// </summary>
public sealed class RagStackApiException : Exception
{
    /// <summary>Creates the exception for a refused call.</summary>
    public RagStackApiException(HttpStatusCode status, string title, string? detail, TimeSpan? retryAfter = null)
        : base(detail is { Length: > 0 } ? detail : title)
    {
        Status = status;
        Title = title;
        Detail = detail;
        RetryAfter = retryAfter;
    }

    /// <summary>The HTTP status the API answered with.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>The problem's title, e.g. <c>Unknown domain</c>.</summary>
    public string Title { get; }

    /// <summary>What went wrong and what to change, as the API wrote it; null when it gave none.</summary>
    public string? Detail { get; }

    /// <summary>How long the API asked to wait before trying again (its <c>Retry-After</c>, sent with 429 Too Many Requests); null when it did not say.</summary>
    public TimeSpan? RetryAfter { get; }
}
