using Microsoft.Extensions.Options;

namespace RagStack.Web.ApiForwarding;

/// <summary>Registers and maps the forwarding of <c>/api/*</c> to the RAG service, so the page talks to one origin.</summary>
public static class ApiForwardingExtensions
{
    /// <summary>
    /// Registers the forwarder's <see cref="HttpClient"/> for <see cref="ApiForwardingOptions.ApiUrl"/>: no overall
    /// timeout and no resilience handler, since answers stream for as long as the model writes and a request body
    /// already sent upstream cannot be sent again.
    /// </summary>
    public static IServiceCollection AddApiForwarding(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ApiForwardingOptions>()
            .Bind(configuration.GetSection(ApiForwardingOptions.Section))
            .Validate(o => o.ApiUrl.IsAbsoluteUri, "RagStack:Web:ApiUrl must be an absolute URL, such as http://127.0.0.1:5180.")
            .ValidateOnStart();
#pragma warning disable EXTEXP0001 // The one way to take back the handler ServiceDefaults puts on every client; experimental in 10.x.
        services.AddHttpClient<ApiForwarder>((provider, client) =>
            {
                client.BaseAddress = provider.GetRequiredService<IOptions<ApiForwardingOptions>>().Value.ApiUrl;
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return services;
    }

    /// <summary>Maps <c>/api/{**path}</c>, every method, to the RAG service: headers, body and response streamed through.</summary>
    public static IEndpointConventionBuilder MapApiForwarding(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        return routes.Map("/api/{**path}", (HttpContext context, ApiForwarder forwarder) => forwarder.ForwardAsync(context))
            .WithName("ApiForwarding");
    }
}
