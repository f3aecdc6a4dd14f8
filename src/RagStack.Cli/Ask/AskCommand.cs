using System.ComponentModel;
using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using RagStack.Answering;
using RagStack.Cli.Hosting;
using RagStack.Generation;
using RagStack.LlamaSharp.Models;
using Spectre.Console;
using Spectre.Console.Cli;

namespace RagStack.Cli.Ask;

/// <summary>
/// <c>ragstack ask</c>: a grounded answer from an index, printed as it is written, then its sources. Without a generator
/// model the answer is the best passages, cited.
/// </summary>
internal sealed class AskCommand : AsyncCommand<AskCommand.Settings>
{
    private readonly GeneratorFactory _generators;

    public AskCommand()
        : this(Generators.Default)
    {
    }

    internal AskCommand(GeneratorFactory generators) => _generators = generators;

    internal sealed class Settings : IndexSettings
    {
        [CommandArgument(0, "<QUESTION>")]
        [Description("The question, in plain words.")]
        public string Question { get; init; } = "";

        [CommandOption("-m|--model <NAME|PATH>")]
        [Description("Generator model: an installed name (ragstack models list) or a .gguf path. Default: $RAGSTACK_MODEL, else the model chosen with `models use`, else none: the answer is the best passages, cited.")]
        public string? Model { get; init; }

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
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var folder = DataFolder.Open(settings.ResolveDataDir(), requested: null);
        var requested = settings.Model ?? (Environment.GetEnvironmentVariable("RAGSTACK_MODEL") is { Length: > 0 } fromEnvironment ? fromEnvironment : null);
        var store = ModelStore.Open(folder.Path);
        var modelPath = requested is null ? store.DefaultModelPath : store.Resolve(requested);
        if (requested is not null && modelPath is null)
        {
            Output.Error(requested.Contains('/', StringComparison.Ordinal) || requested.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase)
                ? $"{requested}: no such model file"
                : $"{requested}: no such model file or installed model (see ragstack models list)");
            return 1;
        }

        IChatClient? chatClient;
        try
        {
            chatClient = _generators(modelPath);
        }
        catch (GeneratorUnavailableException e)
        {
            Output.Error($"{e.ModelPath}: {e.Message}");
            return 1;
        }

        // The container does not dispose an instance it was handed; the model's memory is released here.
        using var generator = chatClient;

        await using var services = CliServices.Build(folder, chatClient: chatClient);
        var answerer = services.GetRequiredService<IAnswerer>();
        var request = new AskRequest
        {
            Question = settings.Question,
            Index = settings.Index,
            Tenant = settings.Tenant,
            Top = settings.Top,
            MaxOutputTokens = settings.MaxTokens,
        };

        try
        {
            await WriteAsync(answerer, request, settings, Console.Out, cancellationToken);
            return 0;
        }
        catch (ContextWindowExceededException e)
        {
            Output.Error($"{modelPath ?? "generator"}: {e.Message}");
            return 1;
        }
    }

    /// <summary>
    /// Prints the answer to <paramref name="output"/>: as JSON, or its text (as it is written unless --no-stream), then
    /// its numbered sources and the notice.
    /// </summary>
    internal static async Task<Answer> WriteAsync(IAnswerer answerer, AskRequest request, Settings settings, TextWriter output, CancellationToken cancellationToken)
    {
        Answer? answer = null;
        if (settings.Json || settings.NoStream)
        {
            answer = await answerer.AskAsync(request, cancellationToken);
            if (settings.Json)
            {
                await output.WriteLineAsync(Output.Serialize(ToJson(settings.Question, answer)));
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

        if (answer.Notice is { } notice)
        {
            await output.WriteLineAsync();
            await output.WriteLineAsync(notice);
        }

        return answer;
    }

    private static object ToJson(string question, Answer answer) => new
    {
        question,
        kind = answer.Kind,
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
