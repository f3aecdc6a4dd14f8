using System.ComponentModel;
using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using RagStack.Answering;
using RagStack.Cli.Hosting;
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

        [CommandOption("-m|--model <PATH>")]
        [Description("A generator model (.gguf) to write the answer with. Without one the answer is the best passages, cited.")]
        public string? Model { get; init; }

        [CommandOption("--no-stream")]
        [Description("Print the answer once it is finished instead of as it is written.")]
        public bool NoStream { get; init; }

        [CommandOption("--stream", IsHidden = true)]
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
        if (settings.Model is { } model && !File.Exists(model))
        {
            Output.Error($"{model}: no such model file");
            return 1;
        }

        var folder = DataFolder.Open(settings.ResolveDataDir(), requested: null);
        IChatClient? chatClient;
        try
        {
            chatClient = _generators(settings.Model);
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
            if (settings.Json)
            {
                Output.Json(ToJson(settings.Question, await answerer.AskAsync(request, cancellationToken)));
                return 0;
            }

            Answer answer;
            if (settings.NoStream)
            {
                answer = await answerer.AskAsync(request, cancellationToken);
                Console.Out.Write(answer.Text);
            }
            else
            {
                answer = await StreamAsync(answerer, request, cancellationToken);
            }

            Console.Out.WriteLine();
            PrintSources(answer);
            return 0;
        }
        catch (ContextWindowExceededException e)
        {
            Output.Error($"{settings.Model ?? "generator"}: {e.Message}");
            return 1;
        }
    }

    private static async Task<Answer> StreamAsync(IAnswerer answerer, AskRequest request, CancellationToken cancellationToken)
    {
        await foreach (var update in answerer.AskStreamingAsync(request, cancellationToken))
        {
            if (update.Completed is { } answer)
            {
                return answer;
            }

            Console.Out.Write(update.Text);
            await Console.Out.FlushAsync(cancellationToken);
        }

        throw new InvalidOperationException("The answer stream ended without its completed answer.");
    }

    private static void PrintSources(Answer answer)
    {
        if (answer.Sources.Count > 0)
        {
            Console.Out.WriteLine();
            Console.Out.WriteLine("Sources:");
            foreach (var source in answer.Sources)
            {
                Console.Out.WriteLine($"  [{source.Number.ToString(CultureInfo.InvariantCulture)}] {source.Citation}");
            }
        }

        if (answer.Notice is { } notice)
        {
            Console.Out.WriteLine();
            // Plain text: a markup line would be wrapped at the console width when the output is piped.
            Console.Out.WriteLine(notice);
        }
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
