namespace RagStack.Conversations;

/// <summary>The durable record of conversations and their messages, per tenant (the embedded store keeps them in the data folder's database).</summary>
public interface IConversationStore
{
    /// <summary>The tenant's conversations, the most recently updated first, optionally only those whose title contains <paramref name="titleSearch"/> (case-insensitive).</summary>
    Task<IReadOnlyList<ConversationSummary>> ListAsync(string tenant, string? titleSearch, CancellationToken cancellationToken = default);

    /// <summary>The conversation and its messages, oldest first; null when the tenant has none with this id.</summary>
    Task<Conversation?> GetAsync(string tenant, string conversationId, CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces the conversation's summary (title, index, domain, times); its messages are kept.</summary>
    Task UpsertAsync(string tenant, ConversationSummary conversation, CancellationToken cancellationToken = default);

    /// <summary>Removes the conversation and its messages; false when it did not exist.</summary>
    Task<bool> DeleteAsync(string tenant, string conversationId, CancellationToken cancellationToken = default);

    /// <summary>
    /// In one write: removes the messages from <paramref name="removeFromMessageId"/> on (none when null), adds
    /// <paramref name="messages"/> after the rest, and stores <paramref name="conversation"/>'s summary. False when the
    /// conversation does not exist.
    /// </summary>
    Task<bool> AppendAsync(string tenant, ConversationSummary conversation, IReadOnlyList<ConversationMessage> messages, string? removeFromMessageId = null, CancellationToken cancellationToken = default);
}
