using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RagStack.Cli.Hosting;
using RagStack.Imaging;

namespace RagStack.Cli.Images;

/// <summary>Composes image generation from the data folder's settings (<c>RagStack:Images</c>), as the API and the model host do.</summary>
internal static class ImageServices
{
    /// <summary>The services, validated; null (the error printed) when a setting is invalid.</summary>
    public static ServiceProvider? Build(string dataDirectory, Action<ImagesOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddRagStack(CliConfiguration.ForFolder(dataDirectory)).AddImageGeneration(configure);
        var provider = services.BuildServiceProvider();
        try
        {
            _ = provider.GetRequiredService<IOptions<ImagesOptions>>().Value;
            return provider;
        }
        catch (OptionsValidationException e)
        {
            Output.Error(string.Join(" ", e.Failures));
            provider.Dispose();
            return null;
        }
    }
}
