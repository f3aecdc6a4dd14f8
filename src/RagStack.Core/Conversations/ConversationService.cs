using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RagStack.Answering;
using RagStack.Domains;
using RagStack.Input;

namespace RagStack.Conversations;

/// <summary>
/// Conversations over <see cref="IConversationStore"/>, answered by <see cref="IAnswerer"/>: a follow-up is condensed into
/// a standalone query (<see cref="QueryCondenser"/>) which retrieval searches and the generator answers, with the last
/// turns as history. The question is stored before the answer is written, the answer when it is finished, or with what it
/// had and why it stopped when it failed or was cancelled.
/// </summary>
#pragma warning disable MEAI001 // IImageGenerator is experimental in Microsoft.Extensions.AI 11
internal sealed partial class ConversationService(
    IConversationStore store,
    IAnswerer answerer,
    QueryCondenser condenser,
    IOptions<DomainsOptions> domains,
    TimeProvider time,
    ILogger<ConversationService> logger,
    IImageGenerator? images = null) : IConversations
{
    private const string ImageCommand = ConversationQuestion.ImageCommand;

    /// <summary>The title of a conversation created without one, until its first question names it.</summary>
    public const string DefaultTitle = "New conversation";

    /// <summary>The longest title; a first question longer than this is cut at a word.</summary>
    public const int MaxTitleLength = 200;

    /// <summary>What an answer cut short by its caller is marked with.</summary>
    public const string StoppedError = "Stopped before the answer was finished.";

    private const int TitleFromQuestionLength = 60;
    // The generator reads the last three turns as history; older ones rarely matter and cost the window.
    private const int HistoryMessages = 6;

    public Task<IReadOnlyList<ConversationSummary>> ListAsync(string tenant, string? titleSearch = null, CancellationToken cancellationToken = default) =>
        store.ListAsync(tenant, string.IsNullOrWhiteSpace(titleSearch) ? null : titleSearch.Trim(), cancellationToken);

    public async Task<ConversationSummary> CreateAsync(string tenant, string? title = null, string? index = null, string? domain = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        var named = string.IsNullOrWhiteSpace(title) ? DefaultTitle : CheckTitle(title);
        CheckIndex(index);
        // An unknown domain is refused now rather than at the first question.
        var found = DomainIndex.Find(domain, domains.Value);
        var now = time.GetUtcNow();
        var conversation = new ConversationSummary(Guid.NewGuid().ToString("N"), named, index, found?.Name, now, now);
        await store.UpsertAsync(tenant, conversation, cancellationToken);
        return conversation;
    }

    public Task<Conversation?> GetAsync(string tenant, string conversationId, CancellationToken cancellationToken = default) =>
        store.GetAsync(tenant, conversationId, cancellationToken);

    public async Task<ConversationSummary?> RenameAsync(string tenant, string conversationId, string title, CancellationToken cancellationToken = default)
    {
        var named = CheckTitle(title);
        if (await store.GetAsync(tenant, conversationId, cancellationToken) is not { } conversation)
        {
            return null;
        }

        var renamed = conversation.Summary with { Title = named, UpdatedAt = time.GetUtcNow() };
        await store.UpsertAsync(tenant, renamed, cancellationToken);
        return renamed;
    }

    public Task<bool> DeleteAsync(string tenant, string conversationId, CancellationToken cancellationToken = default) =>
        store.DeleteAsync(tenant, conversationId, cancellationToken);

    public IAsyncEnumerable<ConversationUpdate> AskAsync(string tenant, string conversationId, ConversationQuestion question, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        ArgumentNullException.ThrowIfNull(question);
        if (question.Mode != ConversationAskMode.Regenerate && string.IsNullOrWhiteSpace(question.Question))
        {
            throw new ArgumentException("The question is empty; send {\"question\": \"what you want to know\"}.", nameof(question));
        }

        CheckIndex(question.Index);
        return StreamAsync(tenant, conversationId, question, cancellationToken);
    }

    private async IAsyncEnumerable<ConversationUpdate> StreamAsync(
        string tenant, string conversationId, ConversationQuestion question, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var conversation = await store.GetAsync(tenant, conversationId, cancellationToken) ?? throw new ConversationNotFoundException(conversationId);
        var turn = Turn.Of(conversation, question, time.GetUtcNow());
        if (ImagePrompt(turn.Question.Text) is { } prompt)
        {
            await foreach (var update in DrawAsync(tenant, conversation, turn, prompt, cancellationToken))
            {
                yield return update;
            }

            yield break;
        }

        var index = question.Index ?? conversation.Summary.Index;
        var domain = question.Domain ?? conversation.Summary.Domain;
        var searchedFor = await condenser.CondenseAsync(turn.Question.Text, turn.History, cancellationToken);
        var request = new AskRequest
        {
            Question = searchedFor,
            Index = index,
            Domain = domain,
            Tenant = tenant,
            Top = question.Top ?? 8,
            MaxOutputTokens = question.MaxOutputTokens,
            Temperature = question.Temperature,
            History = History(turn.History),
        };
        // Routed and validated before anything is stored: an unknown domain or a bad setting leaves the conversation as it was.
        var route = DomainRoute.Resolve(request, domains.Value);
        var answers = answerer.AskStreamingAsync(request, cancellationToken);

        var summary = Touched(conversation, turn) with { Index = index, Domain = route.Domain };
        if (!await store.AppendAsync(tenant, summary, turn.Saves, turn.RemoveFrom, cancellationToken))
        {
            throw new ConversationNotFoundException(conversationId);
        }

        yield return new ConversationQuestionSaved(turn.Question);
        yield return new ConversationRetrieving(route.Index, route.Domain, searchedFor);

        var written = new System.Text.StringBuilder();
        Answer? answer = null;
        string? error = null;
        var enumerator = answers.GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                AnswerUpdate update;
                try
                {
                    if (!await enumerator.MoveNextAsync())
                    {
                        break;
                    }

                    update = enumerator.Current;
                }
                catch (Exception e)
                {
                    error = e is OperationCanceledException && cancellationToken.IsCancellationRequested ? StoppedError : FailureOf(e);
                    throw;
                }

                if (update.Retrieved is { } passages)
                {
                    yield return new ConversationRetrieved(passages);
                }

                if (update.Text.Length > 0)
                {
                    written.Append(update.Text);
                    yield return new ConversationToken(update.Text);
                }

                answer ??= update.Completed;
            }
        }
        finally
        {
            await enumerator.DisposeAsync();
            if (answer is null)
            {
                // Failed, cancelled, or the caller stopped reading (a client that went away): what was written is kept, marked.
                LogAnswerUnfinished(logger, error ?? StoppedError);
                await SaveAnswerAsync(tenant, summary, Message(written.ToString(), searchedFor, route) with { Error = error ?? StoppedError });
            }
        }

        if (answer is null)
        {
            throw new InvalidOperationException("The answer stream ended without its finished answer.");
        }

        var message = Message(answer.Text, searchedFor, route) with
        {
            Sources = answer.Sources,
            Kind = answer.Kind,
            Index = answer.Index ?? route.Index,
            Domain = answer.Domain,
            Notice = answer.Notice,
        };
        await SaveAnswerAsync(tenant, summary, message);
        yield return new ConversationCompleted(message);
    }

    /// <summary>The conversation's summary as this turn leaves it: updated now, and named by its first question if it had no name.</summary>
    private ConversationSummary Touched(Conversation conversation, Turn turn) => conversation.Summary with
    {
        Title = conversation.Messages.Count == 0 && conversation.Summary.Title == DefaultTitle ? TitleFrom(turn.Question.Text) : conversation.Summary.Title,
        UpdatedAt = time.GetUtcNow(),
    };

    /// <summary>The drawing prompt of <c>/image a red circle</c>; null for any other question.</summary>
    internal static string? ImagePrompt(string question)
    {
        var text = question.Trim();
        return text.StartsWith(ImageCommand, StringComparison.OrdinalIgnoreCase)
            && (text.Length == ImageCommand.Length || char.IsWhiteSpace(text[ImageCommand.Length]))
            ? text[ImageCommand.Length..].Trim()
            : null;
    }

    /// <summary>
    /// Answers <c>/image …</c> with a picture: the question is stored, the image generator draws the prompt, and the answer
    /// holds the PNG as a data URI (an <see cref="ImagePart"/>), so it is kept with the conversation and shows wherever it is
    /// read. Without an image generator, or with an empty prompt, the answer says why instead.
    /// </summary>
    private async IAsyncEnumerable<ConversationUpdate> DrawAsync(string tenant, Conversation conversation, Turn turn, string prompt, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var summary = Touched(conversation, turn);
        if (!await store.AppendAsync(tenant, summary, turn.Saves, turn.RemoveFrom, cancellationToken))
        {
            throw new ConversationNotFoundException(conversation.Summary.Id);
        }

        yield return new ConversationQuestionSaved(turn.Question);
        var answer = new ConversationMessage(NewId(), ConversationRole.Assistant, [new TextPart(string.Empty)], time.GetUtcNow());
        if (prompt.Length == 0)
        {
            answer = answer with { Error = $"Say what to draw after {ImageCommand}, e.g. \"{ImageCommand} a green square on a yellow background\"." };
        }
        else if (images is null)
        {
            answer = answer with { Error = "No image generator is set up on this server (RagStack:Images), so nothing can be drawn." };
        }
        else
        {
            try
            {
                var response = await images.GenerateAsync(new ImageGenerationRequest(prompt), new ImageGenerationOptions { Count = 1, ResponseFormat = ImageGenerationResponseFormat.Data }, cancellationToken);
                var picture = response.Contents.OfType<DataContent>().FirstOrDefault()
                    ?? throw new InvalidOperationException("The image generator answered without a picture.");
                answer = answer with { Parts = [new TextPart($"Drawn for: {prompt}"), new ImagePart(picture.Uri, prompt)] };
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                answer = answer with { Error = StoppedError };
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException)
            {
                answer = answer with { Error = $"The picture could not be drawn: {e.Message}" };
            }
        }

        await SaveAnswerAsync(tenant, summary, answer);
        cancellationToken.ThrowIfCancellationRequested();
        yield return new ConversationCompleted(answer);
    }

    private ConversationMessage Message(string text, string searchedFor, DomainRoute route) =>
        new(NewId(), ConversationRole.Assistant, [new TextPart(text)], time.GetUtcNow()) { SearchedFor = searchedFor, Index = route.Index, Domain = route.Domain };

    /// <summary>Stores the answer whatever the caller's token says: a stopped answer is kept too.</summary>
    private async Task SaveAnswerAsync(string tenant, ConversationSummary summary, ConversationMessage message) =>
        await store.AppendAsync(tenant, summary with { UpdatedAt = message.CreatedAt }, [message], null, CancellationToken.None);

    private static string FailureOf(Exception e) => e switch
    {
        ArgumentException or Generation.ContextWindowExceededException or DomainAdapterException => e.Message,
        _ => "The answer failed before it was finished; see the service log.",
    };

    private static List<ChatMessage> History(IReadOnlyList<ConversationMessage> messages) =>
        [.. messages
            .Where(m => m.Text.Length > 0 && (m.Role == ConversationRole.User || m.Error is null))
            .TakeLast(HistoryMessages)
            .Select(m => new ChatMessage(m.Role == ConversationRole.User ? ChatRole.User : ChatRole.Assistant, m.Text))];

    private static string TitleFrom(string question)
    {
        var flat = string.Join(' ', question.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (flat.Length <= TitleFromQuestionLength)
        {
            return flat;
        }

        var cut = flat.LastIndexOf(' ', TitleFromQuestionLength);
        return flat[..(cut > TitleFromQuestionLength / 2 ? cut : TitleFromQuestionLength)] + "…";
    }

    private static string CheckTitle(string? title)
    {
        if (string.IsNullOrWhiteSpace(title))
        {
            throw new ArgumentException("title is empty; send {\"title\": \"a name for the conversation\"}.", nameof(title));
        }

        var trimmed = title.Trim();
        if (trimmed.Length > MaxTitleLength)
        {
            throw new ArgumentException($"title is {trimmed.Length} characters long; the longest is {MaxTitleLength}.", nameof(title));
        }

        if (UntrustedText.IndexOfInvisible(trimmed) is var at and >= 0)
        {
            throw new ArgumentException($"title holds an invisible character (U+{(int)trimmed[at]:X4}) at {at}; write it in visible characters.", nameof(title));
        }

        return trimmed;
    }

    private static void CheckIndex(string? index)
    {
        if (index is not null && Documents.IndexName.Problem(index) is { } problem)
        {
            throw new ArgumentException($"index {problem}.", nameof(index));
        }
    }

    private static string NewId() => Guid.NewGuid().ToString("N");

    [LoggerMessage(Level = LogLevel.Information, Message = "A conversation's answer was stored unfinished: {Reason}")]
    private static partial void LogAnswerUnfinished(ILogger logger, string reason);

    /// <summary>
    /// What a question does to the conversation: the question message (new, or the last one again for a regenerate), the
    /// messages before it (the history), the messages to store now and the first message to remove.
    /// </summary>
    private sealed record Turn(ConversationMessage Question, IReadOnlyList<ConversationMessage> History, IReadOnlyList<ConversationMessage> Saves, string? RemoveFrom)
    {
        public static Turn Of(Conversation conversation, ConversationQuestion question, DateTimeOffset now)
        {
            var messages = conversation.Messages;
            var last = LastIndexOf(messages, ConversationRole.User);
            if (question.Mode == ConversationAskMode.Ask)
            {
                var asked = new ConversationMessage(NewId(), ConversationRole.User, [new TextPart(question.Question!.Trim())], now);
                return new Turn(asked, messages, [asked], null);
            }

            if (last < 0)
            {
                throw new ArgumentException(
                    $"The conversation has no question to {(question.Mode == ConversationAskMode.Regenerate ? "answer again" : "replace")} yet; ask one with mode \"ask\".",
                    nameof(question));
            }

            var history = messages.Take(last).ToList();
            if (question.Mode == ConversationAskMode.Regenerate)
            {
                // The question stays; its answer (and anything after it) goes.
                return new Turn(messages[last], history, [], last + 1 < messages.Count ? messages[last + 1].Id : null);
            }

            var edited = new ConversationMessage(NewId(), ConversationRole.User, [new TextPart(question.Question!.Trim())], now);
            return new Turn(edited, history, [edited], messages[last].Id);
        }

        private static int LastIndexOf(IReadOnlyList<ConversationMessage> messages, ConversationRole role)
        {
            for (var i = messages.Count - 1; i >= 0; i--)
            {
                if (messages[i].Role == role)
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
#pragma warning restore MEAI001
