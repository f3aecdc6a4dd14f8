namespace RagStack.Conversations;

/// <summary>
/// Conversations kept per tenant, and questions answered in them: a follow-up is rewritten into a standalone query for
/// retrieval from the conversation, and the question and its answer are stored. Every call names its tenant; another
/// tenant's conversation is answered as one that does not exist.
/// </summary>
public interface IConversations
{
    /// <summary>The tenant's conversations, the most recently updated first; only those whose title contains <paramref name="titleSearch"/> (case-insensitive) when given.</summary>
    Task<IReadOnlyList<ConversationSummary>> ListAsync(string tenant, string? titleSearch = null, CancellationToken cancellationToken = default);

    /// <summary>Starts a conversation; a null or blank title is replaced by the first question's start.</summary>
    Task<ConversationSummary> CreateAsync(string tenant, string? title = null, string? index = null, string? domain = null, CancellationToken cancellationToken = default);

    /// <summary>The conversation with its messages; null when the tenant has none with this id.</summary>
    Task<Conversation?> GetAsync(string tenant, string conversationId, CancellationToken cancellationToken = default);

    /// <summary>Gives the conversation a new title; null when the tenant has none with this id.</summary>
    Task<ConversationSummary?> RenameAsync(string tenant, string conversationId, string title, CancellationToken cancellationToken = default);

    /// <summary>Removes the conversation and its messages; false when the tenant has none with this id.</summary>
    Task<bool> DeleteAsync(string tenant, string conversationId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Answers <paramref name="question"/> in the conversation, streaming its steps (see <see cref="ConversationUpdate"/>).
    /// Bad input (an empty question, no question to regenerate, an unknown conversation, domain or index) throws before
    /// the first step. Cancelling stops the generator and stores what was written, marked stopped.
    /// </summary>
    IAsyncEnumerable<ConversationUpdate> AskAsync(string tenant, string conversationId, ConversationQuestion question, CancellationToken cancellationToken = default);
}

/// <summary>A conversation id that the tenant does not have.</summary>
public sealed class ConversationNotFoundException(string conversationId)
    : Exception($"There is no conversation '{conversationId}'; list them with GET /api/conversations or create one with POST /api/conversations.")
{
    /// <summary>The id that was asked for.</summary>
    public string ConversationId { get; } = conversationId;
}
