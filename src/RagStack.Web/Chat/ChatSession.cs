using RagStack.Client;
using RagStack.Conversations;
using RagStack.Web.Conversations;
using RagStack.Web.Hosting;
using RagStack.Web.Markdown;

namespace RagStack.Web.Chat;

/// <summary>
/// The chat's state for one page: the conversation's turns, the answer streaming into the last one, stop, regenerate,
/// edit-and-resend, and retries after the API's 429. Components show it and call it; all calls to the API go through
/// the typed client.
/// </summary>
public sealed class ChatSession(IRagStackClient client, AnswerMarkup markup, ConversationsState conversations) : IDisposable
{
    private CancellationTokenSource? _answering;

    /// <summary>Raised after every change the page should show (on the thread that made it).</summary>
    public event Func<Task>? Changed;

    public string? ConversationId { get; private set; }

    public List<ChatTurn> Turns { get; } = [];

    /// <summary>True while an answer is being written.</summary>
    public bool Busy => _answering is not null;

    /// <summary>"busy, retrying in N s" while the API is full; null otherwise.</summary>
    public string? Retrying { get; private set; }

    /// <summary>A problem that is about the conversation, not one answer (e.g. it does not exist).</summary>
    public string? Problem { get; private set; }

    /// <summary>Shows the stored conversation <paramref name="conversationId"/>; a missing one is a problem shown in the page.</summary>
    public async Task LoadAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        if (conversationId == ConversationId)
        {
            return;
        }

        Stop();
        ConversationId = conversationId;
        Turns.Clear();
        Problem = null;
        var conversation = await client.GetConversationAsync(conversationId, cancellationToken);
        if (conversation is null)
        {
            Problem = "This conversation does not exist (it may have been deleted).";
            return;
        }

        Turns.AddRange(conversation.Messages.Select(FromMessage));
    }

    /// <summary>Starts afresh: no conversation until the first question creates one.</summary>
    public void Reset()
    {
        Stop();
        ConversationId = null;
        Turns.Clear();
        Problem = null;
    }

    /// <summary>
    /// Asks <paramref name="question"/> (or regenerates or replaces the last question, by <paramref name="mode"/>) in the
    /// conversation, creating one first when there is none, and streams the answer into the last turn.
    /// </summary>
    public async Task AskAsync(string? question, ConversationAskMode mode, string? index, string? domain)
    {
        if (Busy)
        {
            return;
        }

        using var answering = new CancellationTokenSource();
        _answering = answering;
        try
        {
            if (ConversationId is null)
            {
                var created = await client.CreateConversationAsync(index: index, domain: domain, cancellationToken: answering.Token);
                ConversationId = created.Id;
                conversations.Created(created);
            }

            PrepareTurns(question, mode);
            var answer = new ChatTurn { Role = ConversationRole.Assistant, Streaming = true, Step = "Starting…" };
            Turns.Add(answer);
            await NotifyAsync();
            await StreamAsync(answer, new ConversationQuestion { Question = question, Mode = mode, Index = index, Domain = domain }, answering.Token);
        }
        finally
        {
            _answering = null;
            Retrying = null;
            await NotifyAsync();
        }
    }

    /// <summary>Stops the answer being written: the read ends, so the API's connection closes and the model stops decoding.</summary>
    public void Stop()
    {
        try
        {
            _answering?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // It finished meanwhile.
        }
    }

    private void PrepareTurns(string? question, ConversationAskMode mode)
    {
        if (mode is ConversationAskMode.Regenerate or ConversationAskMode.ReplaceLastQuestion)
        {
            while (Turns.Count > 0 && Turns[^1].Role == ConversationRole.Assistant)
            {
                Turns.RemoveAt(Turns.Count - 1);
            }
        }

        if (mode == ConversationAskMode.ReplaceLastQuestion && Turns.Count > 0 && Turns[^1].Role == ConversationRole.User)
        {
            Turns.RemoveAt(Turns.Count - 1);
        }

        if (mode != ConversationAskMode.Regenerate)
        {
            Turns.Add(new ChatTurn { Role = ConversationRole.User, Text = question ?? "" });
        }
    }

    private async Task StreamAsync(ChatTurn answer, ConversationQuestion question, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await foreach (var update in client.AskInConversationStreamingAsync(ConversationId!, question, cancellationToken))
                {
                    await ApplyAsync(answer, update);
                }

                return;
            }
            catch (RagStackApiException e) when (e.Status == System.Net.HttpStatusCode.TooManyRequests && !cancellationToken.IsCancellationRequested)
            {
                // Busy: wait as long as the API asks, counting down, then ask again (nothing was stored for a refused question).
                var wait = e.RetryAfter ?? TimeSpan.FromSeconds(5);
                for (var left = (int)Math.Ceiling(wait.TotalSeconds); left > 0; left--)
                {
                    Retrying = $"The service is busy, retrying in {left} s";
                    await NotifyAsync();
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                }

                Retrying = null;
            }
            catch (RagStackApiException e)
            {
                Fail(answer, e.Describe());
                // A conversation deleted elsewhere is the usual cause: the sidebar shows what the API holds.
                await conversations.TouchedAsync();
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                answer.Streaming = false;
                answer.Step = null;
                answer.Error = "Stopped before the answer was finished.";
                Rerender(answer);
                await conversations.TouchedAsync();
                return;
            }
            catch (HttpRequestException e)
            {
                Fail(answer, $"The RAG API could not be reached: {e.Message}");
                return;
            }
        }
    }

    private async Task ApplyAsync(ChatTurn answer, ConversationUpdate update)
    {
        switch (update)
        {
            case ConversationQuestionSaved saved:
                if (Turns.Count >= 2 && Turns[^2].Role == ConversationRole.User)
                {
                    Turns[^2].Id = saved.Question.Id;
                }

                break;
            case ConversationRetrieving retrieving:
                answer.Index = retrieving.Index;
                answer.SearchedFor = retrieving.SearchedFor;
                answer.Step = $"Searching {retrieving.Domain ?? retrieving.Index ?? "default"}…";
                break;
            case ConversationRetrieved retrieved:
                answer.Step = retrieved.Passages == 1 ? "1 passage" : $"{retrieved.Passages} passages";
                break;
            case ConversationToken token:
                answer.Text += token.Text;
                Rerender(answer);
                break;
            case ConversationCompleted completed:
                var stored = FromMessage(completed.Answer);
                Turns[Turns.IndexOf(answer)] = stored;
                await conversations.TouchedAsync();
                break;
            case ConversationFailed failed:
                Fail(answer, ApiProblems.Describe(failed.Title, failed.Detail));
                break;
        }

        await NotifyAsync();
    }

    private void Fail(ChatTurn answer, string problem)
    {
        answer.Streaming = false;
        answer.Step = null;
        answer.Error = problem;
        Rerender(answer);
    }

    private void Rerender(ChatTurn turn) => turn.Html = markup.Render(turn.Text, turn.Sources, turn.Index);

    private ChatTurn FromMessage(ConversationMessage message)
    {
        var turn = new ChatTurn
        {
            Role = message.Role,
            Id = message.Id,
            Text = message.Text,
            Sources = message.Sources,
            Images = [.. message.Parts.OfType<ImagePart>()],
            Index = message.Index,
            SearchedFor = message.SearchedFor,
            Notice = message.Notice,
            Error = message.Error,
            Kind = message.Kind,
        };
        if (message.Role == ConversationRole.Assistant)
        {
            Rerender(turn);
        }

        return turn;
    }

    private async Task NotifyAsync()
    {
        if (Changed is { } changed)
        {
            await changed();
        }
    }

    public void Dispose() => Stop();
}
