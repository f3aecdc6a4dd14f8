using System.ComponentModel;
using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RagStack.Answering;
using RagStack.Cli.Arguments;
using RagStack.Cli.Hosting;
using RagStack.Domains;
using RagStack.Generation;
using RagStack.LlamaSharp;
using RagStack.Models.Catalog;
using RagStack.Onnx;
using Spectre.Console;
using Spectre.Console.Cli;

namespace RagStack.Cli.Ask;

/// <summary>
/// <c>ragstack ask</c>: a grounded answer from an index, printed as it is written, then its sources. Without a generator
/// model the answer is the best passages, cited. With <c>--domain</c> the domain's index, adapter and instructions apply;
/// <c>--adapter</c> answers through a LoRA file for this one question.
/// </summary>
internal sealed class AskCommand : AsyncCommand<AskCommand.Settings>
{
    internal sealed class Settings : CliSettings
    {
        /// <summary>The name a one-off <c>--adapter</c> file is loaded under in the generator.</summary>
        internal const string OneOffAdapter = "ask";

        [CommandArgument(0, "<QUESTION>")]
        [Description("The question, in plain words.")]
        public string Question { get; init; } = "";

        [CommandOption("-m|--model <NAME|PATH>")]
        [Description("Generator model: an installed name (ragstack models list) or a .gguf path. Default: $RAGSTACK_MODEL, else the model chosen with `models use`, else none: the answer is the best passages, cited.")]
        public string? Model { get; init; }

        [CommandOption("-i|--index <NAME>")]
        [Description("Index (collection) to answer from. Default: the domain's index, else default.")]
        [IndexName]
        public string? Index { get; init; }

        [CommandOption("--tenant <TENANT>", IsHidden = true)]
        [DefaultValue("local")]
        public string Tenant { get; init; } = "local";

        [CommandOption("-d|--domain <NAME>")]
        [Description("Domain (ragstack domains list): its index, LoRA adapter and system prompt apply.")]
        public string? Domain { get; init; }

        [CommandOption("--adapter <FILE.gguf>")]
        [Description("A GGUF LoRA adapter to answer this question with, instead of the domain's.")]
        public string? Adapter { get; init; }

        [CommandOption("--adapter-scale <SCALE>")]
        [Description("The adapter's scale: 1 as trained, 0 the base model. Default: the domain's, else 1.")]
        public float? AdapterScale { get; init; }

        [CommandOption("--no-stream")]
        [Description("Print the answer once it is finished instead of as it is written.")]
        public bool NoStream { get; init; }

        [CommandOption("--stream")]
        [Description("Print the answer as it is written (the default).")]
        public bool Stream { get; init; }

        [CommandOption("-k|--top <N>")]
        [Description("How many retrieved chunks to offer the generator. Default: 8.")]
        [DefaultValue(8)]
        public int Top { get; init; } = 8;

        [CommandOption("--max-tokens <N>")]
        [Description("The most tokens the answer may have. Default: 512.")]
        public int? MaxTokens { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Question) ? ValidationResult.Error("The question is empty.")
            : Top is < 1 or > 1000 ? ValidationResult.Error("--top must be between 1 and 1000.")
            : MaxTokens is < 1 ? ValidationResult.Error("--max-tokens must be at least 1.")
            : Stream && NoStream ? ValidationResult.Error("--stream and --no-stream cannot be used together.")
            : AdapterScale is { } scale && (!float.IsFinite(scale) || scale is < 0 or > 4) ? ValidationResult.Error("--adapter-scale must be between 0 and 4.")
            : Index is { } index && string.IsNullOrWhiteSpace(index) ? ValidationResult.Error("--index is empty.")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var folder = DataFolder.Open(settings.ResolveDataDir(), requested: null);
        // The model: --model, else RAGSTACK_MODEL, else RagStack:Generator:ModelPath (ragstack.json, environment), else the installed default.
        var requested = settings.Model ?? (Environment.GetEnvironmentVariable("RAGSTACK_MODEL") is { Length: > 0 } fromEnvironment ? fromEnvironment : null);
        var store = ModelStore.Open(folder.Path);
        var modelPath = requested is null ? null : store.Resolve(requested);
        if (requested is not null && modelPath is null)
        {
            Output.Error(requested.Contains('/', StringComparison.Ordinal) || requested.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase)
                ? $"{requested}: no such model file"
                : $"{requested}: no such model file or installed model (see ragstack models list)");
            return 1;
        }

        ServiceProvider services;
        IChatClient? chatClient;
        DomainsOptions domains;
        try
        {
            services = CliServices.Build(folder, modelPath: modelPath, fallbackModelPath: store.DefaultModelPath);
            domains = services.GetRequiredService<IOptions<DomainsOptions>>().Value;
        }
        catch (CliSettingsException e)
        {
            Output.Error(e.Message);
            return 1;
        }

        await using var _ = services;
        try
        {
            chatClient = services.GetService<IChatClient>();
        }
        catch (Exception e) when (e is InvalidDataException or OptionsValidationException)
        {
            // llama.cpp could not load the file as a model (its message names the file), or the configured one is missing.
            Output.Error(e is OptionsValidationException v ? string.Join(" ", v.Failures) : e.Message);
            return 1;
        }

        if (settings.Domain is { } domainName && !domains.ContainsKey(domainName))
        {
            Output.Error($"{settings.Domain}: {new UnknownDomainException(domainName, domains.Keys).Message}");
            return 1;
        }

        string? adapterFile;
        try
        {
            adapterFile = LoadAdapter(chatClient, settings, domains);
        }
        catch (Exception e) when (e is DomainAdapterException or InvalidDataException or FileNotFoundException or NotSupportedException)
        {
            Output.Error(e.Message);
            return 1;
        }

        var answerer = services.GetRequiredService<IAnswerer>();
        var request = new AskRequest
        {
            Question = settings.Question,
            Index = settings.Index,
            Domain = settings.Domain,
            Adapter = settings.Adapter is null ? null : Settings.OneOffAdapter,
            AdapterScale = settings.AdapterScale,
            Tenant = settings.Tenant,
            Top = settings.Top,
            MaxOutputTokens = settings.MaxTokens,
        };

        try
        {
            await WriteAsync(answerer, request, settings, Console.Out, cancellationToken, adapterFile);
            return 0;
        }
        catch (ContextWindowExceededException e)
        {
            Output.Error($"{(chatClient is null ? "generator" : services.GetRequiredService<IOptions<LlamaModelOptions>>().Value.ModelPath)}: {e.Message}");
            return 1;
        }
    }

    /// <summary>
    /// Loads the adapter this question is answered with into the generator: the <c>--adapter</c> file, else the domain's.
    /// Returns its file, or null when the answer uses the base model. Without a generator nothing is loaded: an extractive
    /// answer has no use for an adapter.
    /// </summary>
    /// <exception cref="DomainAdapterException">The domain's adapter file is missing or made for another model.</exception>
    /// <exception cref="InvalidDataException">The <c>--adapter</c> file is not a LoRA adapter for the model.</exception>
    private static string? LoadAdapter(IChatClient? chatClient, Settings settings, DomainsOptions domains)
    {
        var domain = settings.Domain is { } name ? domains.First(d => string.Equals(d.Key, name, StringComparison.OrdinalIgnoreCase)) : default;
        var file = settings.Adapter is { } explicitFile ? Path.GetFullPath(explicitFile) : domain.Value?.Adapter;
        if (chatClient is null || file is null)
        {
            return null;
        }

        var adapters = chatClient.GetService<LlamaChatClient>()?.Adapters
            ?? throw new NotSupportedException($"{file}: this generator cannot load LoRA adapters");
        if (settings.Adapter is not null)
        {
            adapters.Add(Settings.OneOffAdapter, file);
        }
        else
        {
            adapters.AddDomains(new Dictionary<string, DomainOptions> { [domain.Key] = domain.Value! });
        }

        return file;
    }

    /// <summary>
    /// Prints the answer to <paramref name="output"/>: as JSON, or its text (as it is written unless --no-stream), then
    /// its numbered sources and the notice.
    /// </summary>
    internal static async Task<Answer> WriteAsync(IAnswerer answerer, AskRequest request, Settings settings, TextWriter output, CancellationToken cancellationToken, string? adapterFile = null)
    {
        Answer? answer = null;
        if (settings.Json || settings.NoStream)
        {
            answer = await answerer.AskAsync(request, cancellationToken);
            if (settings.Json)
            {
                await output.WriteLineAsync(Output.Serialize(ToJson(settings.Question, answer, adapterFile)));
                return answer;
            }

            await output.WriteAsync(answer.Text);
        }
        else
        {
            await foreach (var update in answerer.AskStreamingAsync(request, cancellationToken))
            {
                answer ??= update.Completed;
                await output.WriteAsync(update.Text);
                await output.FlushAsync(cancellationToken);
            }
        }

        if (answer is null)
        {
            throw new InvalidOperationException("The answer stream ended without its completed answer.");
        }

        await output.WriteLineAsync();
        if (answer.Sources.Count > 0)
        {
            await output.WriteLineAsync();
            await output.WriteLineAsync("Sources:");
            foreach (var source in answer.Sources)
            {
                await output.WriteLineAsync($"  [{source.Number.ToString(CultureInfo.InvariantCulture)}] {source.Citation}");
            }
        }

        if (Route(answer, adapterFile) is { } route)
        {
            await output.WriteLineAsync();
            await output.WriteLineAsync(route);
        }

        if (answer.Notice is { } notice)
        {
            await output.WriteLineAsync();
            await output.WriteLineAsync(notice);
        }

        return answer;
    }

    /// <summary>Which domain, index and adapter answered; null when the question named no domain and no adapter wrote the answer.</summary>
    internal static string? Route(Answer answer, string? adapterFile)
    {
        if (answer.Domain is null && answer.Adapter is null)
        {
            return null;
        }

        var domain = answer.Domain is null ? $"Index: {answer.Index}" : $"Domain: {answer.Domain} (index {answer.Index})";
        var adapter = answer.Adapter is { } a
            ? $"adapter: {a.Name} ×{a.Scale.ToString(CultureInfo.InvariantCulture)}{(adapterFile is null ? "" : $" ({adapterFile})")}"
            : answer.Kind == AnswerKind.Generated ? "adapter: none (base model)" : "adapter: not used (no generator)";
        return $"{domain}; {adapter}";
    }

    private static object ToJson(string question, Answer answer, string? adapterFile) => new
    {
        question,
        kind = answer.Kind,
        index = answer.Index,
        domain = answer.Domain,
        adapter = answer.Adapter is { } adapter ? new { name = adapter.Name, scale = adapter.Scale, file = adapterFile } : null,
        text = answer.Text,
        sources = answer.Sources.Select(s => new
        {
            number = s.Number,
            documentId = s.Citation.DocumentId,
            document = s.Citation.DocumentName,
            page = s.Citation.Page,
            section = s.Citation.Section,
            start = s.Citation.Start,
            end = s.Citation.End,
            snippet = s.Snippet,
            highlights = s.Highlights.Select(h => new { start = h.Start, length = h.Length }),
        }),
        relevance = answer.Relevance,
        notice = answer.Notice,
        usage = answer.Usage,
        timings = new
        {
            retrievalMs = answer.Timings.Retrieval.TotalMilliseconds,
            timeToFirstTokenMs = answer.Timings.TimeToFirstToken?.TotalMilliseconds,
            totalMs = answer.Timings.Total.TotalMilliseconds,
        },
    };
}
