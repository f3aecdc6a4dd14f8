using System.ClientModel;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenAI;
using RagStack.LlamaSharp;

namespace RagStack.Api.Generation;

/// <summary>Registers the generator <c>RagStack:Model</c> names: a GGUF loaded in process, an OpenAI-compatible server, or none.</summary>
internal static class GeneratorServiceCollectionExtensions
{
    /// <summary>
    /// With <see cref="GeneratorModelSettings.Path"/>, the in-process llama.cpp client; with
    /// <see cref="GeneratorModelSettings.Endpoint"/>, an OpenAI client to that server (domain adapters as
    /// <c>&lt;id&gt;+&lt;domain&gt;</c>); with neither, no generator (extractive answers). Both, a bad URL or a missing
    /// <see cref="GeneratorModelSettings.Id"/> fail the start by the setting's name.
    /// </summary>
    public static IServiceCollection AddRagStackGenerator(this IServiceCollection services, GeneratorModelSettings model)
    {
        services.AddOptions<RagStackApiOptions>()
            .Validate(o => o.Model.Path is not { Length: > 0 } || o.Model.Endpoint is not { Length: > 0 },
                "RagStack:Model:Path and RagStack:Model:Endpoint are both set; keep Path for a model loaded in process or Endpoint for a model server, not both.")
            .Validate(o => o.Model.Endpoint is not { Length: > 0 } endpoint || EndpointOf(endpoint) is not null,
                "RagStack:Model:Endpoint is not an http(s) URL; give the server's OpenAI base URL, e.g. http://localhost:5080/v1.")
            .Validate(o => o.Model.ContextLength >= 0, "RagStack:Model:ContextLength must be 0 (the model's own window) or a number of tokens.")
            .Validate(o => o.Model.Endpoint is not { Length: > 0 } || !string.IsNullOrWhiteSpace(o.Model.Id),
                "RagStack:Model:Id is not set; name the model to request from RagStack:Model:Endpoint (the model host's base model id).")
            .ValidateOnStart();
        if (model.Path is { Length: > 0 } path)
        {
            services.AddRagStackLlamaChat(o =>
            {
                o.ModelPath = Path.GetFullPath(path);
                o.ContextLength = model.ContextLength;
            });
            services.AddHostedService<GeneratorStartup>();
        }
        else if (model.Endpoint is { Length: > 0 } endpoint && EndpointOf(endpoint) is { } uri && model.Id is { Length: > 0 } id)
        {
            // The model host ignores the key; the OpenAI client needs one.
            var credential = new ApiKeyCredential(model.ApiKey is { Length: > 0 } key ? key : "unused");
            services.TryAddSingleton<IChatClient>(_ => new AdapterRoutingChatClient(new OpenAIClient(credential, new OpenAIClientOptions { Endpoint = uri }), id));
        }

        return services;
    }

    private static Uri? EndpointOf(string endpoint) =>
        Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? uri : null;
}
