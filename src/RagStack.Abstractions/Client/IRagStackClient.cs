using RagStack.Answering;
using RagStack.Retrieval;

namespace RagStack;

/// <summary>
/// One RagStack as an application sees it, in this process or behind RagStack.Api: upload documents, follow their
/// ingestion, list and delete them, search and ask. Every call acts for one tenant, the client's own (the in-process
/// client's configured tenant, the remote client's API key), so the <c>Tenant</c> of a request passed in is ignored.
/// </summary>
public interface IRagStackClient
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
}
