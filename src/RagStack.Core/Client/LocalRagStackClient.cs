using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using RagStack.Answering;
using RagStack.Conversations;
using RagStack.Documents;
using RagStack.Ingestion;
using RagStack.Retrieval;

namespace RagStack.Client;

/// <summary>
/// <see cref="IRagStackClient"/> over the services of this process: uploads are ingested before the call returns, and
/// every call acts for the configured tenant.
/// </summary>
internal sealed class LocalRagStackClient(
    IDocumentIngestor ingestor, IDocumentCatalog catalog, IRetriever retriever, IAnswerer answerer, IOptions<LocalClientOptions> options) : IRagStackClient
{
    private readonly string _tenant = options.Value.Tenant;

    public async Task<IReadOnlyList<UploadReceipt>> UploadAsync(
        string index, IReadOnlyList<DocumentUpload> files, IReadOnlyList<string>? tags = null, IProgress<UploadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(index);
        ArgumentNullException.ThrowIfNull(files);
        var receipts = new List<UploadReceipt>(files.Count);
        long sent = 0;
        foreach (var file in files)
        {
            var result = await ingestor.IngestAsync(new IngestRequest
            {
                Name = file.Name,
                OpenContent = file.OpenContent,
                Index = index,
                Tenant = _tenant,
                Tags = tags ?? [],
            }, cancellationToken);
            sent += result.Document?.SizeBytes ?? 0;
            progress?.Report(new UploadProgress(sent, file.Name));
            receipts.Add(new UploadReceipt(
                result.Document?.Id ?? DocumentIds.ForDocument(_tenant, index, file.Name),
                file.Name,
                index,
                result.Document?.Status ?? DocumentStatus.Failed,
                result.Outcome == IngestOutcome.Unchanged));
        }

        return receipts;
    }

    public async Task<DocumentInfo?> GetDocumentAsync(string index, string documentId, CancellationToken cancellationToken = default) =>
        await FindAsync(index, documentId, cancellationToken) is { } document ? DocumentInfo.From(document) : null;

    public async Task<IReadOnlyList<DocumentInfo>> ListDocumentsAsync(string index, CancellationToken cancellationToken = default) =>
        [.. (await catalog.ListAsync(_tenant, index, cancellationToken)).Select(DocumentInfo.From)];

    public async Task<bool> DeleteDocumentAsync(string index, string documentId, CancellationToken cancellationToken = default) =>
        await FindAsync(index, documentId, cancellationToken) is not null && await ingestor.DeleteAsync(_tenant, documentId, cancellationToken);

    public Task<IReadOnlyList<SearchResult>> SearchAsync(SearchRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return retriever.SearchAsync(request with { Tenant = _tenant }, cancellationToken);
    }

    public Task<Answer> AskAsync(AskRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return answerer.AskAsync(request with { Tenant = _tenant }, cancellationToken);
    }

    public async IAsyncEnumerable<AnswerUpdate> AskStreamingAsync(AskRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await foreach (var update in answerer.AskStreamingAsync(request with { Tenant = _tenant }, cancellationToken))
        {
            yield return update;
        }
    }

    public Task<DocumentContent?> GetDocumentContentAsync(string index, string documentId, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    public Task<DocumentOriginal?> OpenOriginalAsync(string index, string documentId, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    public IAsyncEnumerable<DocumentChange> WatchDocumentsAsync(string index, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    public Task<DocumentInfo?> ReingestDocumentAsync(string index, string documentId, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    public Task<RagStackStatus> GetStatusAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    public Task<IReadOnlyList<ConversationSummary>> ListConversationsAsync(string? titleSearch = null, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    public Task<ConversationSummary> CreateConversationAsync(string? title = null, string? index = null, string? domain = null, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    public Task<Conversation?> GetConversationAsync(string conversationId, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    public Task<ConversationSummary?> RenameConversationAsync(string conversationId, string title, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    public Task<bool> DeleteConversationAsync(string conversationId, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    public IAsyncEnumerable<ConversationUpdate> AskInConversationStreamingAsync(string conversationId, ConversationQuestion question, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>The tenant's document with this id in this index; null for one in another index, as the API answers it.</summary>
    private async Task<DocumentRecord?> FindAsync(string index, string documentId, CancellationToken cancellationToken) =>
        await catalog.GetAsync(_tenant, documentId, cancellationToken) is { } document && document.Index == index ? document : null;
}
