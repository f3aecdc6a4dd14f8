using RagStack.Answering;
using RagStack.Conversations;
using RagStack.Documents;
using RagStack.Retrieval;

namespace RagStack;

/// <summary>
/// One RagStack as an application sees it, in this process or behind RagStack.Api: upload documents, follow their
/// ingestion, list and delete them, search and ask. Every call acts for one tenant, the client's own (the in-process
/// client's configured tenant, the remote client's API key), so the <c>Tenant</c> of a request passed in is ignored.
/// A remote RagStack answers a refused call with <see cref="Client.RagStackApiException"/> (its problem details, and
/// <c>RetryAfter</c> for 429).
/// </summary>
public interface IRagStackClient : IRagStackConversationsClient
{
    /// <summary>
    /// Uploads <paramref name="files"/> into <paramref name="index"/>, streaming each one's bytes, and reports the bytes
    /// sent to <paramref name="progress"/>. A remote RagStack queues them (status <see cref="Documents.DocumentStatus.Queued"/>;
    /// follow them with <see cref="GetDocumentAsync"/>); the in-process one ingests them before it returns.
    /// </summary>
    Task<IReadOnlyList<UploadReceipt>> UploadAsync(
        string index, IReadOnlyList<DocumentUpload> files, IReadOnlyList<string>? tags = null, IProgress<UploadProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>One document of <paramref name="index"/> with its pipeline status; null when the index has no such document.</summary>
    Task<DocumentInfo?> GetDocumentAsync(string index, string documentId, CancellationToken cancellationToken = default);

    /// <summary>The documents of <paramref name="index"/>, ordered by name.</summary>
    Task<IReadOnlyList<DocumentInfo>> ListDocumentsAsync(string index, CancellationToken cancellationToken = default);

    /// <summary>Removes a document, its chunks and its original; false when the index has no such document.</summary>
    Task<bool> DeleteDocumentAsync(string index, string documentId, CancellationToken cancellationToken = default);

    /// <summary>The best chunks for a query, each with its citation.</summary>
    Task<IReadOnlyList<SearchResult>> SearchAsync(SearchRequest request, CancellationToken cancellationToken = default);

    /// <summary>A grounded answer with the sources its <c>[n]</c> numbers cite, once it is written.</summary>
    Task<Answer> AskAsync(AskRequest request, CancellationToken cancellationToken = default);

    /// <summary>The answer as it is written; the last update carries the finished <see cref="Answer"/> with its sources.</summary>
    IAsyncEnumerable<AnswerUpdate> AskStreamingAsync(AskRequest request, CancellationToken cancellationToken = default);

    /// <summary>A document's extracted text with its pages, sections and chunk spans, for a viewer; null when the index has no such document.</summary>
    Task<DocumentContent?> GetDocumentContentAsync(string index, string documentId, CancellationToken cancellationToken = default);

    /// <summary>A document's original file as it was uploaded; null when the index has no such document. Dispose it.</summary>
    Task<DocumentOriginal?> OpenOriginalAsync(string index, string documentId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Follows the documents of <paramref name="index"/>: first each one as it is (<see cref="DocumentChangeKind.Existing"/>),
    /// then every change as it happens, until <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    IAsyncEnumerable<DocumentChange> WatchDocumentsAsync(string index, CancellationToken cancellationToken = default);

    /// <summary>Runs a document through the pipeline again from its stored original; returns it queued, or null when the index has no such document.</summary>
    Task<DocumentInfo?> ReingestDocumentAsync(string index, string documentId, CancellationToken cancellationToken = default);

    /// <summary>Whether a generator is installed, which models run, the caller's indexes and the configured domains.</summary>
    Task<RagStackStatus> GetStatusAsync(CancellationToken cancellationToken = default);
}

/// <summary>The caller's conversations, kept by the RagStack, and questions asked in them (see <see cref="IConversations"/>).</summary>
public interface IRagStackConversationsClient
{
    /// <summary>The caller's conversations, the most recently updated first; only those whose title contains <paramref name="titleSearch"/> when given.</summary>
    Task<IReadOnlyList<ConversationSummary>> ListConversationsAsync(string? titleSearch = null, CancellationToken cancellationToken = default);

    /// <summary>Starts a conversation; without a title it takes the first question's start.</summary>
    Task<ConversationSummary> CreateConversationAsync(string? title = null, string? index = null, string? domain = null, CancellationToken cancellationToken = default);

    /// <summary>The conversation with its messages; null when the caller has none with this id.</summary>
    Task<Conversation?> GetConversationAsync(string conversationId, CancellationToken cancellationToken = default);

    /// <summary>Renames the conversation; null when the caller has none with this id.</summary>
    Task<ConversationSummary?> RenameConversationAsync(string conversationId, string title, CancellationToken cancellationToken = default);

    /// <summary>Removes the conversation; false when the caller has none with this id.</summary>
    Task<bool> DeleteConversationAsync(string conversationId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Asks in the conversation and streams the answer's steps (<see cref="ConversationUpdate"/>); the question and the
    /// answer are stored. Cancelling stops the generator (on the server too) and stores what was written, marked stopped.
    /// </summary>
    IAsyncEnumerable<ConversationUpdate> AskInConversationStreamingAsync(string conversationId, ConversationQuestion question, CancellationToken cancellationToken = default);
}
