using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using RagStack.Imaging;

namespace RagStack.SemanticKernel;

/// <summary>Puts the <see cref="ImagePlugin"/> where a kernel can call it.</summary>
#pragma warning disable MEAI001 // IImageGenerator is experimental in Microsoft.Extensions.AI 11
public static class ImagePluginExtensions
{
    /// <summary>Adds the <see cref="ImagePlugin"/> over <paramref name="generator"/> to a kernel's plugins as <paramref name="pluginName"/>.</summary>
    public static KernelPlugin AddRagStackImages(this ICollection<KernelPlugin> plugins, IImageGenerator generator, ImageStore store, string pluginName = ImagePlugin.DefaultName)
    {
        ArgumentNullException.ThrowIfNull(plugins);
        var plugin = KernelPluginFactory.CreateFromObject(new ImagePlugin(generator, store), pluginName);
        plugins.Add(plugin);
        return plugin;
    }

    /// <summary>
    /// Registers the <see cref="ImagePlugin"/> over the registered <see cref="IImageGenerator"/> and <see cref="ImageStore"/>
    /// (<c>AddRagStack(configuration).AddImageGeneration()</c>) as a <see cref="KernelPlugin"/> every kernel built from these
    /// services gets.
    /// </summary>
    public static IServiceCollection AddRagStackImagePlugin(this IServiceCollection services, string pluginName = ImagePlugin.DefaultName)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(sp => KernelPluginFactory.CreateFromObject(
            new ImagePlugin(sp.GetRequiredService<IImageGenerator>(), sp.GetRequiredService<ImageStore>()), pluginName));
        return services;
    }
}
#pragma warning restore MEAI001
