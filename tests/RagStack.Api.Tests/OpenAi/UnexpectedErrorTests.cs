using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace RagStack.Api.Tests.OpenAi;

/// <summary>The service over a generator that fails in a way no endpoint expects (a bug, a broken model server).</summary>
public sealed class FailingGeneratorApiFixture : ApiFixture
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IChatClient>(new UnexpectedErrorTests.FakeFailingChatClient()));
    }
}

public sealed class UnexpectedErrorTests(FailingGeneratorApiFixture api) : IClassFixture<FailingGeneratorApiFixture>
{
    [Fact]
    public async Task An_unexpected_error_is_a_500_in_openai_shape_without_the_exception_text()
    {
        using var response = await api.CreateClient().PostAsJsonAsync("/v1/chat/completions", new
        {
            model = "default",
            messages = new[] { new { role = "user", content = "How often should tomatoes be watered?" } },
        });

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("server_error", error.GetProperty("type").GetString());
        Assert.Contains("unexpected error (InvalidCastException)", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(FakeFailingChatClient.Secret, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    /// <summary>Fails every request with an exception no endpoint handles; its message must not reach the caller.</summary>
    internal sealed class FakeFailingChatClient : IChatClient
    {
        public const string Secret = "internal detail /srv/models";

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new InvalidCastException(Secret);

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            throw new InvalidCastException(Secret);
#pragma warning disable CS0162 // An iterator needs a yield to be one.
            yield break;
#pragma warning restore CS0162
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
