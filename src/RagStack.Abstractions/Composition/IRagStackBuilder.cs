using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace RagStack;

/// <summary>
/// What <c>services.AddRagStack(configuration)</c> returns: the service collection being composed and the configuration
/// its <c>RagStack:*</c> options are bound from. Each provider package adds one <c>Add…</c> extension on it
/// (<c>AddEmbeddedStore</c>, <c>AddOnnxEmbeddings</c>, <c>AddLlamaGenerator</c>, …), as <c>IHttpClientBuilder</c> does for HTTP clients.
/// </summary>
public interface IRagStackBuilder
{
    /// <summary>The services RagStack is being added to.</summary>
    IServiceCollection Services { get; }

    /// <summary>The configuration every <c>RagStack:*</c> options type is bound from.</summary>
    IConfiguration Configuration { get; }
}
