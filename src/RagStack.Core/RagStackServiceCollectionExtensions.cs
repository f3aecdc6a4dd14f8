using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RagStack.Answering;
using RagStack.Conversations;
using RagStack.Documents;
using RagStack.Domains;
using RagStack.Extraction;
using RagStack.Ingestion;
using RagStack.Ingestion.Extraction;
using RagStack.Retrieval;
using RagStack.Diagnostics;
using RagStack.Storage;

namespace RagStack;

/// <summary>The composition root: <c>services.AddRagStack(configuration)</c>, then the store, embeddings and generator.</summary>
public static class RagStackServiceCollectionExtensions
{
    /// <summary>
    /// Adds RagStack's ingestion pipeline (<see cref="IDocumentIngestor"/>), retrieval (<see cref="IRetriever"/>) and
    /// answering (<see cref="IAnswerer"/>), with their settings bound from <paramref name="configuration"/> and validated
    /// at start: <c>RagStack:Ingestion</c>, <c>RagStack:Retrieval</c>, <c>RagStack:Answering</c>, <c>RagStack:Domains</c>
    /// and the root (<c>RagStack:DataDirectory</c>, <c>RagStack:VectorStore</c>). The data folder's <c>ragstack.json</c>
    /// is read beneath <paramref name="configuration"/> (which wins), so one folder behaves the same in every host. A key
    /// under <c>RagStack</c> that is no setting fails the start by name. Add a store (<c>.AddEmbeddedStore()</c>),
    /// embeddings (<c>.AddOnnxEmbeddings()</c>) and optionally a generator (<c>.AddLlamaGenerator()</c>,
    /// <c>.AddRemoteGenerator()</c>) on the builder returned; without a generator, answers are extractive.
    /// </summary>
    public static IRagStackBuilder AddRagStack(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = new RagStackBuilder(services, WithDataFolderSettings(configuration));
        services.AddOptions<RagStackOptions>().Bind(builder.Configuration.GetSection(RagStackOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RagStackOptions>>(new RagStackOptionsValidator(builder.Configuration));
        builder.BindRagStackOptions<IngestionOptions>(IngestionOptions.Section);
        builder.BindRagStackOptions<RetrievalOptions>(RetrievalOptions.Section);
        // An edited prompts/ folder of a checkout takes effect in every host alike; an installed app has the embedded copy.
        builder.BindRagStackOptions<AnsweringOptions>(AnsweringOptions.Section).PostConfigure(o => o.PromptsDirectory ??= PromptFolder.Find());
        builder.BindRagStackOptions<DomainsOptions>(RagStackSections.Domains);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IngestionOptions>, IngestionOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RetrievalOptions>, RetrievalOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AnsweringOptions>, AnsweringOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DomainsOptions>, DomainsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        // Extractors a user adds (AddExtractor) are asked before the built-in ones, so they can take over a format.
        services.TryAddSingleton(sp => ExtractionRunner.CreateDefault(sp.GetServices<IDocumentExtractor>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IDocumentTypeDetector>(sp => sp.GetRequiredService<ExtractionRunner>());
        // Built when first asked for, so a host that composes no store (the model host) still validates on build.
        services.TryAddSingleton<IDocumentIngestor>(sp => ActivatorUtilities.CreateInstance<IngestionPipeline>(sp));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IReranker, SentenceReranker>());
        services.TryAddSingleton<IRetriever>(sp => ActivatorUtilities.CreateInstance<HybridRetriever>(sp));
        // The chat client is looked up, not required: a host without a generator model still answers, extractively.
        services.TryAddSingleton<IAnswerer>(sp => new Answerer(
            sp.GetRequiredService<IRetriever>(),
            sp.GetRequiredService<IChunkStore>(),
            sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(),
            sp.GetService<IChatClient>(),
            sp.GetRequiredService<IOptions<AnsweringOptions>>(),
            sp.GetRequiredService<IOptions<DomainsOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<Answerer>>()));
        AddPortal(services);
        return builder;
    }

    /// <summary>
    /// What a chat and document portal needs beside asking: conversations (over the store's <see cref="IConversationStore"/>,
    /// follow-ups condensed through the generator when there is one), a document's content for a viewer, watching an
    /// index, and the status. Each is built when first asked for, like the pipeline.
    /// </summary>
    private static void AddPortal(IServiceCollection services)
    {
        services.TryAddSingleton(sp => new QueryCondenser(sp.GetService<IChatClient>(), sp.GetRequiredService<IOptions<AnsweringOptions>>().Value.PromptsDirectory));
        services.TryAddSingleton<IConversations>(sp => ActivatorUtilities.CreateInstance<ConversationService>(sp));
        services.TryAddSingleton<IDocumentContentReader>(sp => ActivatorUtilities.CreateInstance<DocumentContentReader>(sp));
        services.TryAddSingleton<IDocumentWatcher>(sp => ActivatorUtilities.CreateInstance<DocumentWatcher>(sp));
        services.TryAddSingleton<IRagStackStatusReader>(sp => new RagStackStatusReader(
            sp.GetRequiredService<IDocumentCatalog>(),
            sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(),
            sp.GetService<IChatClient>(),
            sp.GetRequiredService<IOptions<DomainsOptions>>(),
            sp.GetRequiredService<IOptions<AnsweringOptions>>()));
    }

    /// <summary>
    /// Adds an extractor for a format, chosen by its <see cref="IDocumentExtractor.CanExtract"/> before the built-in PDF,
    /// DOCX, HTML, Markdown and plain-text extractors, so it can read a new format or take over a built-in one.
    /// </summary>
    public static IRagStackBuilder AddExtractor<TExtractor>(this IRagStackBuilder builder)
        where TExtractor : class, IDocumentExtractor
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<IDocumentExtractor, TExtractor>();
        return builder;
    }

    /// <summary>
    /// The data folder's <c>ragstack.json</c> (when it exists) beneath <paramref name="configuration"/>: the folder's own
    /// settings apply wherever it is opened, and the host's configuration (arguments, environment) still wins.
    /// </summary>
    private static IConfiguration WithDataFolderSettings(IConfiguration configuration)
    {
        var folder = RagStackDataDirectory.Resolve(configuration[RagStackSections.DataDirectory]);
        return new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(folder, RagStackDataDirectory.SettingsFileName), optional: true, reloadOnChange: false)
            .AddConfiguration(configuration, shouldDisposeConfiguration: false)
            .Build();
    }
}
