using System.ClientModel;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenAI;
using RagStack.Imaging;

namespace RagStack;

/// <summary>Adds image generation to a RagStack.</summary>
public static class ImagingServiceCollectionExtensions
{
    /// <summary>
    /// Registers an <see cref="IImageGenerator"/> from <c>RagStack:Images</c> (then <paramref name="configure"/>): local
    /// latent diffusion on ONNX Runtime over <c>ModelPath</c> (the shipped <c>shapes-64</c> model when unset), or with
    /// <c>Backend = Remote</c> an OpenAI-compatible server through the OpenAI SDK's image client; and the
    /// <see cref="ImageStore"/> that keeps generated PNGs (<c>StoreDirectory</c>, else <c>images/</c> in the data folder).
    /// The model is opened on first use.
    /// </summary>
    public static IRagStackBuilder AddImageGeneration(this IRagStackBuilder builder, Action<ImagesOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.BindRagStackOptions(ImagesOptions.Section, configure);
        var services = builder.Services;
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ImagesOptions>, ImagesOptionsValidator>());
        var dataDirectory = builder.Configuration[RagStackSections.DataDirectory];
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<ImagesOptions>>().Value;
            var folder = options.StoreDirectory is { Length: > 0 } dir ? dir : Path.Combine(RagStackDataDirectory.Resolve(dataDirectory), "images");
            return new ImageStore(folder, options.PublicBaseUri);
        });
#pragma warning disable MEAI001 // IImageGenerator is experimental in Microsoft.Extensions.AI 11
        services.TryAddSingleton<IImageGenerator>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<ImagesOptions>>().Value;
            return options.Backend == ImageBackend.Remote
                ? CreateRemote(options)
                : new LocalImageGenerator(options, provider.GetRequiredService<ImageStore>());
        });
#pragma warning restore MEAI001
        return builder;
    }

#pragma warning disable MEAI001, OPENAI001
    private static IImageGenerator CreateRemote(ImagesOptions options)
    {
        var client = new OpenAI.Images.ImageClient(
            options.RemoteModel,
            new ApiKeyCredential(options.RemoteApiKey is { Length: > 0 } key ? key : "none"),
            new OpenAIClientOptions { Endpoint = options.RemoteEndpoint });
        return client.AsIImageGenerator();
    }
#pragma warning restore MEAI001, OPENAI001
}
