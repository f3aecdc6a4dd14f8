using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace RagStack.Api.Tests.OpenAi;

/// <summary>The service with 2 answers at once and 3 waiting, over a generator that holds every answer until released.</summary>
public sealed class LimitedApiFixture : ApiFixture
{
    public const int Concurrent = 2;
    public const int Queue = 3;

    public FakeBlockingChatClient Generator { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("RagStack:Api:MaxConcurrentAsks", $"{Concurrent}");
        builder.UseSetting("RagStack:Api:AskQueueLimit", $"{Queue}");
        builder.ConfigureTestServices(services => services.AddSingleton<IChatClient>(Generator));
    }
}

public sealed class AskLimiterTests(LimitedApiFixture api) : IClassFixture<LimitedApiFixture>
{
    private const string Question = "How often should tomato plants be watered?";

    [Fact]
    public async Task Questions_beyond_the_running_and_waiting_ones_get_429_with_retry_after_and_the_rest_are_answered()
    {
        var client = api.CreateClient();
        // Both endpoints share the one queue: four REST asks and four OpenAI chats, eight against room for five.
        var requests = Enumerable.Range(0, 8).Select(i => i % 2 == 0
            ? client.PostAsJsonAsync("/api/ask", new { question = Question })
            : client.PostAsJsonAsync("/v1/chat/completions", new { model = "default", messages = new[] { new { role = "user", content = Question } } })).ToList();

        // The overflow is turned away at once, while the admitted answers are still held by the generator.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((requests.Count(r => r.IsCompleted) < 3 || api.Generator.Entered < LimitedApiFixture.Concurrent) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var early = await Task.WhenAll(requests.Where(r => r.IsCompleted));
        Assert.Equal(LimitedApiFixture.Concurrent, api.Generator.Entered);
        api.Generator.Release();
        var responses = await Task.WhenAll(requests);

        Assert.Equal(3, early.Length);
        Assert.All(early, r => Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode));
        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.Equal(8 - 3, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        foreach (var rejected in early)
        {
            Assert.True(rejected.Headers.RetryAfter?.Delta?.TotalSeconds > 0, "429 without Retry-After");
            var body = await rejected.Content.ReadFromJsonAsync<JsonElement>();
            if (rejected.RequestMessage!.RequestUri!.AbsolutePath.StartsWith("/v1", StringComparison.Ordinal))
            {
                Assert.Equal("rate_limit_error", body.GetProperty("error").GetProperty("type").GetString());
            }
            else
            {
                Assert.Equal("application/problem+json", rejected.Content.Headers.ContentType?.MediaType);
                Assert.Equal(429, body.GetProperty("status").GetInt32());
            }
        }

        Assert.Equal(5, api.Generator.Entered);
    }
}
