using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RagStack.Generation;

namespace RagStack.LlamaSharp;

/// <summary>Registers the local llama.cpp generator.</summary>
public static class LlamaServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="LlamaChatClient"/> as the <see cref="IChatClient"/> (and its <see cref="IChatTokenCounter"/>),
    /// loaded on first use from options bound to <c>RagStack:Generator</c> or set by <paramref name="configure"/>.
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
        services.TryAddSingleton(provider => LlamaChatClient.Load(provider.GetRequiredService<IOptions<LlamaModelOptions>>().Value));
        services.TryAddSingleton<IChatClient>(provider => provider.GetRequiredService<LlamaChatClient>());
        services.TryAddSingleton<IChatTokenCounter>(provider => provider.GetRequiredService<LlamaChatClient>());
        return services;
    }
}
