using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RagStack.ModelHost.Models;

namespace RagStack.ModelHost;

/// <summary>Registers the OpenAI-compatible model host.</summary>
public static class ModelHostServiceCollectionExtensions
{
    /// <summary>
    /// Composes the host through <c>AddRagStack(configuration)</c>: the local model (<c>RagStack:Generator</c>, loaded
    /// without the data folder's domain adapters), the adapters it serves from <c>RagStack:ModelHost</c>, and the default
    /// ONNX embedding model (arctic-embed-xs, loaded on first use, not tied to a data folder) for <c>/v1/embeddings</c>, and
    /// image generation (<c>RagStack:Images</c>, the shipped shapes-64 model by default) for <c>/v1/images/generations</c>.
    /// The settings are validated and the model and adapters loaded when the host starts, so a bad path fails the start
    /// instead of the first request.
    /// </summary>
    public static IServiceCollection AddRagStackModelHost(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        var rag = services.AddRagStack(configuration)
            .AddLlamaGenerator(loadDomainAdapters: false)
            .AddOnnxEmbeddings(o => o.UseDataFolder = false)
            .AddImageGeneration();
        rag.BindRagStackOptions<ModelHostOptions>(ModelHostOptions.Section);
        services.AddSingleton<IValidateOptions<ModelHostOptions>, ModelHostOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ServedModels>();
        services.AddHostedService(provider => provider.GetRequiredService<ServedModels>());
        services.AddHealthChecks();
        return services;
    }
}
