using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace RagStack.Client.Tests;

/// <summary>How a refused response becomes a <see cref="RagStackApiException"/>: the API's problem details, and the wait a 429 asks for.</summary>
public sealed class ProblemResponsesTests
{
    [Fact]
    public async Task A_429_carries_its_retry_after_seconds_and_the_problem_details()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests)
        {
            Content = new StringContent("""{"title":"Too many questions","detail":"Retry after the time in Retry-After.","status":429}""", Encoding.UTF8, "application/problem+json"),
        };
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(5));

        var error = await ProblemResponses.ReadAsync(response, CancellationToken.None);

        Assert.Equal((HttpStatusCode.TooManyRequests, "Too many questions", "Retry after the time in Retry-After."), (error.Status, error.Title, error.Detail));
        Assert.Equal(TimeSpan.FromSeconds(5), error.RetryAfter);
    }

    [Fact]
    public async Task A_retry_after_date_is_the_wait_until_then_and_a_response_without_one_has_none()
    {
        using var dated = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("busy") };
        dated.Headers.RetryAfter = new RetryConditionHeaderValue(DateTimeOffset.UtcNow.AddSeconds(30));
        using var plain = new HttpResponseMessage(HttpStatusCode.BadRequest) { Content = new StringContent("no") };

        var waiting = await ProblemResponses.ReadAsync(dated, CancellationToken.None);
        var refused = await ProblemResponses.ReadAsync(plain, CancellationToken.None);

        Assert.InRange(waiting.RetryAfter!.Value.TotalSeconds, 20, 30);
        Assert.Equal("busy", waiting.Detail);
        Assert.Null(refused.RetryAfter);
    }
}
