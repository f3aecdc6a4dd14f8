using Microsoft.Extensions.AI;
using RagStack.Conversations;
using RagStack.Retrieval;

namespace RagStack.Answering;

/// <summary>
/// Rewrites a follow-up question ("and how much memory does it need?") into a standalone query for retrieval, from the
/// conversation before it: through the generator with the <c>condense</c> prompt when there is one, otherwise by adding
/// the previous question's words the follow-up lacks. A first question is searched as it is.
/// </summary>
internal sealed class QueryCondenser
{
    private const string PromptName = "condense";
    // As prompts/condense/config.json's execution settings: a one-line question, written deterministically.
    private const int MaxOutputTokens = 96;
    private const float Temperature = 0f;
    // The generator sees the last turns only, each answer cut short: the question's referents are in them.
    private const int HistoryMessages = 6;
    private const int AnswerLength = 400;

    private readonly IChatClient? _chatClient;
    private readonly PromptFunction? _prompt;

    public QueryCondenser(IChatClient? chatClient, string? promptsDirectory)
    {
        _chatClient = chatClient;
        // A prompts folder of an older checkout may lack condense/; the embedded copy stands in for it.
        _prompt = chatClient is null ? null
            : PromptFunction.Load(PromptName, promptsDirectory is not null && Directory.Exists(Path.Combine(promptsDirectory, PromptName)) ? promptsDirectory : null);
    }

    /// <summary>The standalone query for <paramref name="question"/> after <paramref name="history"/> (oldest first).</summary>
    public async Task<string> CondenseAsync(string question, IReadOnlyList<ConversationMessage> history, CancellationToken cancellationToken)
    {
        var turns = history.Where(m => m.Text.Length > 0).TakeLast(HistoryMessages).ToList();
        if (!turns.Any(m => m.Role == ConversationRole.User))
        {
            return question;
        }

        if (_chatClient is null || _prompt is null)
        {
            return WithPreviousWords(question, turns.Last(m => m.Role == ConversationRole.User).Text);
        }

        var lines = turns.Select(m => m.Role == ConversationRole.User
            ? $"user: {OneLine(m.Text, int.MaxValue)}"
            : $"assistant: {OneLine(m.Text, AnswerLength)}");
        var messages = _prompt.Render(new Dictionary<string, string>
        {
            ["history"] = string.Join('\n', lines),
            ["question"] = question,
        });
        var response = await _chatClient.GetResponseAsync(messages, new ChatOptions { MaxOutputTokens = MaxOutputTokens, Temperature = Temperature }, cancellationToken);
        var rewritten = response.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()?.Trim('"', '\'', '“', '”', ' ');
        return string.IsNullOrWhiteSpace(rewritten) ? question : rewritten;
    }

    /// <summary>The question followed by the content words of the previous question it does not have yet.</summary>
    internal static string WithPreviousWords(string question, string previous)
    {
        var have = ContentWords.Stems(question);
        var added = ContentWords.Words(previous).Where(w => have.Add(ContentWords.Stem(w))).ToList();
        return added.Count == 0 ? question : $"{question} {string.Join(' ', added)}";
    }

    private static string OneLine(string text, int length)
    {
        var flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= length ? flat : flat[..length] + "…";
    }
}
