using System.Reflection;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;

namespace RagStack.SemanticKernel;

/// <summary>Puts the <see cref="RagPlugin"/> where a kernel, or a plain Microsoft.Extensions.AI chat, can call it.</summary>
public static class RagStackKernelExtensions
{
    /// <summary>Adds the <see cref="RagPlugin"/> over <paramref name="client"/> to a kernel's plugins as <paramref name="pluginName"/>.</summary>
    public static KernelPlugin AddRagStack(this ICollection<KernelPlugin> plugins, IRagStackClient client, RagPluginOptions? options = null, string pluginName = RagPlugin.DefaultName)
    {
        ArgumentNullException.ThrowIfNull(plugins);
        var plugin = CreatePlugin(client, options, pluginName);
        plugins.Add(plugin);
        return plugin;
    }

    /// <summary>
    /// Registers the <see cref="RagPlugin"/> over the registered <see cref="IRagStackClient"/> (<c>AddRagStackClient</c>
    /// for a remote RagStack, <c>AddRagStack(configuration)…AddLocalClient()</c> for this process) as a <see cref="KernelPlugin"/>, which
    /// every kernel built from these services gets.
    /// </summary>
    public static IServiceCollection AddRagStackPlugins(this IServiceCollection services, Action<RagPluginOptions>? configure = null, string pluginName = RagPlugin.DefaultName)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new RagPluginOptions();
        configure?.Invoke(options);
        services.AddSingleton(sp => CreatePlugin(sp.GetRequiredService<IRagStackClient>(), options, pluginName));
        return services;
    }

    /// <summary>
    /// The <see cref="RagPlugin"/>'s functions as <see cref="AIFunction"/>s for <see cref="ChatOptions.Tools"/>, for
    /// Microsoft.Extensions.AI chats without a kernel; a model calls them as <c>rag_search</c>, <c>rag_ask</c>, ….
    /// </summary>
    public static IReadOnlyList<AIFunction> CreateRagStackFunctions(this IRagStackClient client, RagPluginOptions? options = null, string pluginName = RagPlugin.DefaultName)
    {
        // Built by Microsoft.Extensions.AI from the same methods, so no kernel is needed to call them.
        var plugin = new RagPlugin(client, options);
        return [.. typeof(RagPlugin).GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Select(m => (Method: m, Function: m.GetCustomAttribute<KernelFunctionAttribute>()))
            .Where(f => f.Function?.Name is not null)
            .Select(f => AIFunctionFactory.Create(f.Method, plugin, new AIFunctionFactoryOptions { Name = $"{pluginName}_{f.Function!.Name}" }))];
    }

    private static KernelPlugin CreatePlugin(IRagStackClient client, RagPluginOptions? options, string pluginName) =>
        KernelPluginFactory.CreateFromObject(new RagPlugin(client, options), pluginName);
}
