using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;

namespace RagStack.Client.Tests;

/// <summary>
/// An app that puts the standard resilience handler on every HttpClient (Aspire's service defaults do) keeps the typed
/// client's streams free of it: its 10 s attempt and 30 s total timeouts would cut an answer or a document watch.
/// </summary>
public sealed class ClientRegistrationTests
{
    [Fact]
    public void Streams_go_without_a_resilience_handler_and_json_calls_with_exactly_the_clients_own()
    {
        using var services = new ServiceCollection()
            .ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler())
            .AddRagStackClient(new Uri("http://127.0.0.1:5180"))
            .BuildServiceProvider();
        var handlers = services.GetRequiredService<IHttpMessageHandlerFactory>();

        Assert.Equal(0, ResilienceHandlers(handlers.CreateHandler(RemoteRagStackClient.StreamClient)));
        Assert.Equal(1, ResilienceHandlers(handlers.CreateHandler(RemoteRagStackClient.ResilientClient)));
    }

    private static int ResilienceHandlers(HttpMessageHandler handler)
    {
        var count = 0;
        for (var current = handler; current is DelegatingHandler delegating; current = delegating.InnerHandler)
        {
            count += delegating is ResilienceHandler ? 1 : 0;
        }

        return count;
    }
}
