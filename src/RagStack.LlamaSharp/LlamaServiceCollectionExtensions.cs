using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RagStack.Domains;
using RagStack.Generation;

namespace RagStack.LlamaSharp;

/// <summary>Registers the local llama.cpp generator.</summary>
public static class LlamaServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="LlamaChatClient"/> as the <see cref="IChatClient"/> (and its <see cref="IChatTokenCounter"/>),
    /// loaded on first use from options bound to <c>RagStack:Generator</c> or set by <paramref name="configure"/>. The adapter
    /// of each configured domain (<see cref="DomainsOptions"/>, <c>RagStack:Domains</c>) is loaded with the model, under the
    /// domain's name; a bad adapter fails the load with a <see cref="DomainAdapterException"/> naming the domain and file.
    /// </summary>
    public static IServiceCollection AddRagStackLlamaChat(this IServiceCollection services, Action<LlamaModelOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<LlamaModelOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o =>
        {
            o.Validate();
            return true;
        });
        services.TryAddSingleton(provider => LoadWithDomainAdapters(
            provider.GetRequiredService<IOptions<LlamaModelOptions>>().Value,
            provider.GetRequiredService<IOptions<DomainsOptions>>().Value));
        services.TryAddSingleton<IChatClient>(provider => provider.GetRequiredService<LlamaChatClient>());
        services.TryAddSingleton<IChatTokenCounter>(provider => provider.GetRequiredService<LlamaChatClient>());
        return services;
    }

    private static LlamaChatClient LoadWithDomainAdapters(LlamaModelOptions model, DomainsOptions domains)
    {
        var client = LlamaChatClient.Load(model);
        try
        {
            client.Adapters.AddDomains(domains);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }
}
