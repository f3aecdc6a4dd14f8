using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RagStack.LlamaSharp;
using RagStack.ModelHost.Models;
using RagStack.Onnx;

namespace RagStack.ModelHost;

/// <summary>Registers the OpenAI-compatible model host.</summary>
public static class ModelHostServiceCollectionExtensions
{
    /// <summary>
    /// Registers the local model (<see cref="LlamaServiceCollectionExtensions.AddRagStackLlamaChat"/>) and its adapters from
    /// <c>RagStack:ModelHost</c>, and the default ONNX embedding model (arctic-embed-xs, loaded on first use) for
    /// <c>/v1/embeddings</c>. The settings are validated and the model and adapters loaded when the host starts, so a
    /// bad path fails the start instead of the first request.
    /// </summary>
    public static IServiceCollection AddRagStackModelHost(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ModelHostOptions>()
            .BindConfiguration(ModelHostOptions.Section)
            .Validate(o =>
            {
                o.Validate();
                return true;
            })
            .ValidateOnStart();
        // The host's options own the model path, so a missing one is reported by its setting's name.
        services.AddOptions<LlamaModelOptions>()
            .BindConfiguration(ModelHostOptions.Section)
            .Configure<IOptions<ModelHostOptions>>((model, host) => model.ModelPath = host.Value.ModelPath);
        services.AddRagStackLlamaChat();
        services.AddRagStackOnnxEmbeddings();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ServedModels>();
        services.AddHostedService(provider => provider.GetRequiredService<ServedModels>());
        services.AddHealthChecks();
        return services;
    }
}
