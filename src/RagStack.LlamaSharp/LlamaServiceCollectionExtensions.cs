using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RagStack.Domains;
using RagStack.Generation;
using RagStack.LlamaSharp;

namespace RagStack;

/// <summary>Adds the local llama.cpp generator to a RagStack.</summary>
public static class LlamaServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="LlamaChatClient"/> as the <see cref="IChatClient"/> (and its <see cref="IChatTokenCounter"/>),
    /// loaded on first use from <c>RagStack:Generator</c> (<c>ModelPath</c>, <c>ContextLength</c>, …), then
    /// <paramref name="configure"/>. With <paramref name="loadDomainAdapters"/> the adapter of each configured domain
    /// (<c>RagStack:Domains</c>) is loaded with the model under the domain's name, and a bad adapter fails the load with a
    /// <see cref="DomainAdapterException"/> naming the domain and the file.
    /// </summary>
    public static IRagStackBuilder AddLlamaGenerator(this IRagStackBuilder builder, Action<LlamaModelOptions>? configure = null, bool loadDomainAdapters = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.BindRagStackOptions(LlamaModelOptions.Section, configure);
        var services = builder.Services;
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LlamaModelOptions>, LlamaModelOptionsValidator>());
        services.TryAddSingleton(provider => Load(
            provider.GetRequiredService<IOptions<LlamaModelOptions>>().Value,
            loadDomainAdapters ? provider.GetService<IOptions<DomainsOptions>>()?.Value : null));
        services.TryAddSingleton<IChatClient>(provider => provider.GetRequiredService<LlamaChatClient>());
        services.TryAddSingleton<IChatTokenCounter>(provider => provider.GetRequiredService<LlamaChatClient>());
        return builder;
    }

    private static LlamaChatClient Load(LlamaModelOptions model, DomainsOptions? domains)
    {
        var client = LlamaChatClient.Load(model);
        try
        {
            if (domains is not null)
            {
                client.Adapters.AddDomains(domains);
            }

            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }
}
