using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RagStack.Client;

namespace RagStack;

/// <summary>Registers the in-process <see cref="IRagStackClient"/>.</summary>
public static class LocalClientServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IRagStackClient"/> over this process's ingestion, retrieval and answering (<c>AddRagStack()</c>
    /// and a store), acting for <see cref="LocalClientOptions.Tenant"/>.
    /// </summary>
    public static IServiceCollection AddRagStackLocalClient(this IServiceCollection services, Action<LocalClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<LocalClientOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => !string.IsNullOrWhiteSpace(o.Tenant), $"{LocalClientOptions.Section}:Tenant is empty; leave it out for 'local' or name the tenant.").ValidateOnStart();
        services.TryAddSingleton<IRagStackClient, LocalRagStackClient>();
        return services;
    }

    /// <summary>Adds the in-process <see cref="IRagStackClient"/> to the stack being composed; see <see cref="AddRagStackLocalClient"/>.</summary>
    public static IRagStackBuilder AddLocalClient(this IRagStackBuilder builder, Action<LocalClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddRagStackLocalClient(configure);
        return builder;
    }
}
