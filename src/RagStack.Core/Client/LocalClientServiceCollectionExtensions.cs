using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RagStack.Client;

namespace RagStack;

/// <summary>Adds the in-process <see cref="IRagStackClient"/> to a RagStack.</summary>
public static class LocalClientServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IRagStackClient"/> over this process's ingestion, retrieval and answering (and the store the builder
    /// adds), acting for the tenant of <c>RagStack:LocalClient:Tenant</c> (default <c>local</c>), then <paramref name="configure"/>.
    /// </summary>
    public static IRagStackBuilder AddLocalClient(this IRagStackBuilder builder, Action<LocalClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.BindRagStackOptions(LocalClientOptions.Section, configure);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LocalClientOptions>, LocalClientOptionsValidator>());
        builder.Services.TryAddSingleton<IRagStackClient, LocalRagStackClient>();
        return builder;
    }
}

/// <summary>Checks <c>RagStack:LocalClient</c> at start.</summary>
internal sealed class LocalClientOptionsValidator : IValidateOptions<LocalClientOptions>
{
    public ValidateOptionsResult Validate(string? name, LocalClientOptions options) =>
        new SettingsCheck(LocalClientOptions.Section)
            .Require(!string.IsNullOrWhiteSpace(options.Tenant), nameof(options.Tenant), options.Tenant, "leave it out for 'local' or name the tenant")
            .Result;
}
