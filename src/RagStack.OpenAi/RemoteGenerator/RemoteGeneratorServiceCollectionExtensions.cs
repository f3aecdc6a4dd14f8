using System.ClientModel;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenAI;
using RagStack.OpenAi.RemoteGenerator;

namespace RagStack;

/// <summary>Adds a generator on an OpenAI-compatible server to a RagStack.</summary>
public static class RemoteGeneratorServiceCollectionExtensions
{
    /// <summary>
    /// Registers an <see cref="IChatClient"/> that writes answers on the OpenAI-compatible server of
    /// <c>RagStack:RemoteGenerator</c> (<c>Endpoint</c>, <c>Model</c>, <c>ApiKey</c>), then <paramref name="configure"/>;
    /// a question in a domain with an adapter is sent to the model <c>&lt;Model&gt;+&lt;domain&gt;</c>, the model host's
    /// name for its base model through that adapter.
    /// </summary>
    public static IRagStackBuilder AddRemoteGenerator(this IRagStackBuilder builder, Action<RemoteGeneratorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.BindRagStackOptions(RemoteGeneratorOptions.Section, configure);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RemoteGeneratorOptions>, RemoteGeneratorOptionsValidator>());
        builder.Services.TryAddSingleton<IChatClient>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RemoteGeneratorOptions>>().Value;
            // The model host ignores the key; the OpenAI client needs one.
            var credential = new ApiKeyCredential(options.ApiKey is { Length: > 0 } key ? key : "unused");
            var server = new OpenAIClient(credential, new OpenAIClientOptions { Endpoint = options.EndpointUri });
            return new AdapterRoutingChatClient(server, options.Model!);
        });
        return builder;
    }
}
