using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RagStack.Client;

namespace RagStack;

/// <summary>Registers the typed client of a remote RagStack.Api as the <see cref="IRagStackClient"/>.</summary>
public static class RagStackClientServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IRagStackClient"/> over the RagStack.Api at <paramref name="baseUri"/> (e.g. <c>http://localhost:5000</c>),
    /// sending <paramref name="apiKey"/> as a bearer token when given (its tenant is the caller's). JSON calls go through
    /// <c>IHttpClientFactory</c> with the standard resilience handler; uploads and streamed answers go without it.
    /// </summary>
    public static IServiceCollection AddRagStackClient(this IServiceCollection services, Uri baseUri, string? apiKey = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(baseUri);
        if (!baseUri.IsAbsoluteUri || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"The RagStack API address '{baseUri}' is not an absolute http(s) URI, e.g. http://localhost:5000.", nameof(baseUri));
        }

        // Relative paths ("api/ask") resolve below a base that ends in a slash, so a service under a path base works too.
        var root = baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/");
        void Configure(HttpClient client)
        {
            client.BaseAddress = root;
            if (!string.IsNullOrEmpty(apiKey))
            {
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            }
        }

        // An app that puts a resilience handler on every client (Aspire's service defaults do) must not put its own in
        // front of these: its 10 s attempt and 30 s total timeouts would cut long answers and server-sent event streams.
#pragma warning disable EXTEXP0001 // The one way to take back a handler added by ConfigureHttpClientDefaults; experimental in 10.x.
        services.AddHttpClient(RemoteRagStackClient.ResilientClient, Configure)
            .RemoveAllResilienceHandlers()
            .AddStandardResilienceHandler(o =>
            {
                // An answer written by a local model takes longer than the defaults' 10 s attempt allow.
                o.AttemptTimeout.Timeout = TimeSpan.FromMinutes(2);
                o.CircuitBreaker.SamplingDuration = TimeSpan.FromMinutes(4);
                o.TotalRequestTimeout.Timeout = TimeSpan.FromMinutes(5);
            });
        services.AddHttpClient(RemoteRagStackClient.StreamClient, client =>
            {
                Configure(client);
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .RemoveAllResilienceHandlers()
            // A stream read that is stopped (the reader cancels) must close the connection at once, so the server sees the
            // caller go and stops the model. By default the handler first drains the rest of the response for up to 2 s to
            // keep the connection, and the model goes on writing the answer nobody reads for that long.
            .UseSocketsHttpHandler((handler, _) => handler.MaxResponseDrainSize = 0);
#pragma warning restore EXTEXP0001
        services.TryAddSingleton<IRagStackClient, RemoteRagStackClient>();
        return services;
    }
}
