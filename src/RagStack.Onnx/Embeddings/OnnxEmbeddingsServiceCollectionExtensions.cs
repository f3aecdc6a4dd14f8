using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RagStack.Embeddings;
using RagStack.Onnx;

namespace RagStack;

/// <summary>Adds the local ONNX embedding model to a RagStack.</summary>
public static class OnnxEmbeddingsServiceCollectionExtensions
{
    /// <summary>
    /// Adds one <see cref="OnnxEmbeddingModel"/>, loaded on first use, as the <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>
    /// and the <see cref="ITokenCounter"/>. Settings come from <c>RagStack:Embeddings</c>, then <paramref name="configure"/>;
    /// with <see cref="OnnxEmbeddingOptions.UseDataFolder"/> (the default) the model and precision are the ones the data
    /// folder recorded, and a new folder records the configured ones, so a folder's vectors all come from one variant.
    /// </summary>
    public static IRagStackBuilder AddOnnxEmbeddings(this IRagStackBuilder builder, Action<OnnxEmbeddingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var folder = RagStackDataDirectory.Resolve(builder.Configuration[RagStackSections.DataDirectory]);
        var section = builder.Configuration.GetSection(OnnxEmbeddingOptions.Section);
        var modelConfigured = section[nameof(OnnxEmbeddingOptions.Model)] is not null;
        var precisionConfigured = section[nameof(OnnxEmbeddingOptions.Precision)] is not null;
        builder.BindRagStackOptions(OnnxEmbeddingOptions.Section, configure).PostConfigure(o =>
        {
            if (o.UseDataFolder)
            {
                // A model or precision named in configuration must be the folder's; otherwise a new folder records ours and an
                // old one keeps its own.
                var isNew = !File.Exists(Path.Combine(folder, RagStackDataDirectory.SettingsFileName));
                var opened = DataFolder.Open(folder, modelConfigured || isNew ? o.Model : null, precisionConfigured || isNew ? o.Precision : null);
                o.Model = opened.EmbeddingModel;
                o.Precision = opened.EmbeddingPrecision;
            }
        });
        var services = builder.Services;
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OnnxEmbeddingOptions>, OnnxEmbeddingOptionsValidator>());
        services.TryAddSingleton(sp => OnnxEmbeddings.Load(sp.GetRequiredService<IOptions<OnnxEmbeddingOptions>>().Value));
        services.TryAddSingleton(sp => sp.GetRequiredService<OnnxEmbeddingModel>().Generator);
        services.TryAddSingleton(sp => sp.GetRequiredService<OnnxEmbeddingModel>().Tokens);
        return builder;
    }
}
