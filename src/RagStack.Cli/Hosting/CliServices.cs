using RagStack.Answering;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RagStack.Ingestion;
using RagStack.LlamaSharp;
using RagStack.Onnx;
using RagStack.Retrieval;
using RagStack.Storage.Embedded;

namespace RagStack.Cli.Hosting;

/// <summary>
/// Composes what a command needs through <c>AddRagStack(configuration)</c>, as the API and the model host do: the data
/// folder and its <c>ragstack.json</c>, the store <c>RagStack:VectorStore</c> (or <c>--store</c>) names, ONNX embeddings, the pipeline, and the answerer, which writes with the
/// generator model at <c>modelPath</c> (or a chat client handed in) and answers extractively otherwise. Code given here
/// (a command's options) wins over configuration, and so do <c>settings</c> given here (a reindex's target store). The
/// settings are validated before anything runs.
/// </summary>
internal static class CliServices
{
    /// <exception cref="CliSettingsException">A setting is invalid; the message names the settings file, the setting and the reason.</exception>
    public static ServiceProvider Build(
        DataFolder folder,
        Action<IngestionOptions>? ingestion = null,
        Action<RetrievalOptions>? retrieval = null,
        Action<EmbeddedStoreOptions>? store = null,
        IChatClient? chatClient = null,
        string? modelPath = null,
        string? fallbackModelPath = null,
        Action<AnsweringOptions>? answering = null,
        IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        var configuration = settings is null ? CliConfiguration.Load(folder) : new ConfigurationBuilder().AddConfiguration(CliConfiguration.Load(folder)).AddInMemoryCollection(settings).Build();
        var rag = services.AddRagStack(configuration)
            .AddConfiguredStore(store)
            .AddOnnxEmbeddings()
            .AddOnnxReranker();
        if (ingestion is not null)
        {
            services.Configure(ingestion);
        }

        if (retrieval is not null)
        {
            services.Configure(retrieval);
        }

        if (answering is not null)
        {
            services.Configure(answering);
        }

        if (chatClient is not null)
        {
            services.AddSingleton(chatClient);
        }
        else if ((modelPath ?? ConfiguredModel(rag) ?? fallbackModelPath) is { } model)
        {
            // One question at a time: no parallel slots or kept prefixes. The question's own adapter is loaded by ask.
            rag.AddLlamaGenerator(o =>
            {
                o.ModelPath = model;
                o.MaxParallelRequests = 1;
                o.PrefixCacheEntries = 0;
            }, loadDomainAdapters: false);
        }

        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        try
        {
            provider.GetService<IStartupValidator>()?.Validate();
            return provider;
        }
        catch (Exception e) when (e is OptionsValidationException or InvalidOperationException or InvalidDataException)
        {
            provider.Dispose();
            throw new CliSettingsException(folder.SettingsFile, e is OptionsValidationException v ? string.Join(" ", v.Failures) : e.Message, e);
        }
    }

    /// <summary><c>RagStack:Generator:ModelPath</c> from the folder's <c>ragstack.json</c> or the environment, absolute; null when unset.</summary>
    private static string? ConfiguredModel(IRagStackBuilder rag) =>
        rag.Configuration[$"{LlamaModelOptions.Section}:{nameof(LlamaModelOptions.ModelPath)}"] is { Length: > 0 } path ? Path.GetFullPath(path) : null;
}

/// <summary>The settings in force (the data folder's <c>ragstack.json</c> and the environment) are invalid.</summary>
internal sealed class CliSettingsException(string settingsFile, string reason, Exception inner) : Exception($"{settingsFile}: {reason}", inner);
