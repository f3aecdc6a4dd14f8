using Microsoft.Extensions.DependencyInjection;
using RagStack.LlamaSharp;
using RagStack.OpenAi.RemoteGenerator;

namespace RagStack.Api.Generation;

/// <summary>Chooses the generator the configuration names: a GGUF loaded in process, an OpenAI-compatible server, or none.</summary>
internal static class GeneratorServiceCollectionExtensions
{
    /// <summary>
    /// With <c>RagStack:Generator:ModelPath</c>, the in-process llama.cpp client (loaded while the service starts, with its
    /// domains' adapters); with <c>RagStack:RemoteGenerator:Endpoint</c>, that server (domain adapters as
    /// <c>&lt;model&gt;+&lt;domain&gt;</c>); with neither, no generator: answers are extractive. Both stop the start.
    /// </summary>
    public static IRagStackBuilder AddConfiguredGenerator(this IRagStackBuilder builder)
    {
        var modelPath = builder.Configuration.GetSection(LlamaModelOptions.Section)[nameof(LlamaModelOptions.ModelPath)];
        var endpoint = builder.Configuration.GetSection(RemoteGeneratorOptions.Section)[nameof(RemoteGeneratorOptions.Endpoint)];
        if (modelPath is { Length: > 0 } && endpoint is { Length: > 0 })
        {
            throw new InvalidOperationException(
                $"{LlamaModelOptions.Section}:ModelPath and {RemoteGeneratorOptions.Section}:Endpoint are both set; keep ModelPath for a model loaded in process or Endpoint for a model server, not both.");
        }

        if (modelPath is { Length: > 0 })
        {
            builder.AddLlamaGenerator(o => o.ModelPath = Path.GetFullPath(o.ModelPath));
            builder.Services.AddHostedService<GeneratorStartup>();
        }
        else if (endpoint is { Length: > 0 })
        {
            builder.AddRemoteGenerator();
        }

        return builder;
    }
}
