using Microsoft.SemanticKernel;

namespace RagStack.SemanticKernel;

/// <summary>
/// RagStack's prompts (<c>answer</c>, <c>condense</c>, <c>image_prompt</c>) as Semantic Kernel prompt functions: from a
/// <c>prompts/</c> folder in Semantic Kernel's layout, or from the copies embedded in this assembly.
/// </summary>
public static class RagStackPrompts
{
    /// <summary>The plugin name the prompts are imported under.</summary>
    public const string DefaultPluginName = "rag_prompts";

    private const string ResourcePrefix = "RagStack.Prompts.";

    /// <summary>
    /// Adds the prompts to <paramref name="kernel"/> as plugin <paramref name="pluginName"/>: loaded from
    /// <paramref name="directory"/> (a folder of <c>&lt;name&gt;/skprompt.txt</c> + <c>config.json</c>) when given, so
    /// edited prompts apply without a rebuild, else the embedded copies.
    /// </summary>
    public static KernelPlugin ImportRagStackPrompts(this Kernel kernel, string? directory = null, string pluginName = DefaultPluginName)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        if (directory is not null)
        {
            if (!Directory.Exists(directory))
            {
                throw new DirectoryNotFoundException($"The prompts folder {directory} does not exist; pass a folder of <name>/skprompt.txt + config.json, or none for the embedded prompts.");
            }

            return kernel.ImportPluginFromPromptDirectory(directory, pluginName);
        }

        var plugin = KernelPluginFactory.CreateFromFunctions(pluginName, "RagStack's prompts", Embedded().Select(p => kernel.CreateFunctionFromPrompt(p)));
        kernel.Plugins.Add(plugin);
        return plugin;
    }

    /// <summary>The embedded prompts' configs, each with its template and its folder's name.</summary>
    private static IEnumerable<PromptTemplateConfig> Embedded()
    {
        var assembly = typeof(RagStackPrompts).Assembly;
        var names = assembly.GetManifestResourceNames()
            .Select(r => r.Replace('\\', '/'))
            .Where(r => r.StartsWith(ResourcePrefix, StringComparison.Ordinal) && r.EndsWith("/config.json", StringComparison.Ordinal))
            .Select(r => r[ResourcePrefix.Length..^"/config.json".Length])
            .Order(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var config = PromptTemplateConfig.FromJson(Read(assembly, name, "config.json"));
            config.Name = name;
            config.Template = Read(assembly, name, "skprompt.txt");
            yield return config;
        }
    }

    private static string Read(System.Reflection.Assembly assembly, string name, string file)
    {
        var resource = assembly.GetManifestResourceNames().First(r => r.Replace('\\', '/') == $"{ResourcePrefix}{name}/{file}");
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
