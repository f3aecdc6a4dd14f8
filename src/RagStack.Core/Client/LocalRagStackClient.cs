using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
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
    IDocumentIngestor ingestor, IDocumentCatalog catalog, IRetriever retriever, IAnswerer answerer, IOptions<LocalClientOptions> options, IServiceProvider services) : IRagStackClient
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

    public Task<DocumentContent?> GetDocumentContentAsync(string index, string documentId, CancellationToken cancellationToken = default) =>
        Portal<IDocumentContentReader>().ReadAsync(_tenant, index, documentId, cancellationToken);

    public async Task<DocumentOriginal?> OpenOriginalAsync(string index, string documentId, CancellationToken cancellationToken = default)
    {
        if (await FindAsync(index, documentId, cancellationToken) is not { } document)
        {
            return null;
        }

        var content = Portal<IBlobStore>().OpenRead(document.ContentHash)
            ?? throw new FileNotFoundException($"The original of {document.Name} is missing from the blob store; upload it again.");
        return new DocumentOriginal(content, document.ContentType is { Length: > 0 } type ? type : "application/octet-stream", document.Name);
    }

    public IAsyncEnumerable<DocumentChange> WatchDocumentsAsync(string index, CancellationToken cancellationToken = default) =>
        Portal<IDocumentWatcher>().WatchAsync(_tenant, index, cancellationToken);

    /// <summary>Ingests the stored original again before it returns, as an upload does in process.</summary>
    public async Task<DocumentInfo?> ReingestDocumentAsync(string index, string documentId, CancellationToken cancellationToken = default)
    {
        if (await FindAsync(index, documentId, cancellationToken) is not { } document)
        {
            return null;
        }

        var blobs = Portal<IBlobStore>();
        if (!blobs.Exists(document.ContentHash))
        {
            throw new FileNotFoundException($"The original of {document.Name} is missing from the blob store; upload it again.");
        }

        // Queued, it is no longer "ready with these bytes", so the pipeline runs it again instead of skipping it.
        await catalog.UpsertAsync(document with { Status = DocumentStatus.Queued, CompletedStep = null, ChunksEmbedded = 0 }, cancellationToken);
        var result = await ingestor.IngestAsync(new IngestRequest
        {
            Name = document.Name,
            Index = document.Index,
            Tenant = _tenant,
            Tags = document.Tags,
            OpenContent = () => blobs.OpenRead(document.ContentHash) ?? throw new FileNotFoundException($"The original of {document.Name} is missing from the blob store."),
        }, cancellationToken);
        return result.Document is { } ingested ? DocumentInfo.From(ingested) : await GetDocumentAsync(index, documentId, cancellationToken);
    }

    public Task<RagStackStatus> GetStatusAsync(CancellationToken cancellationToken = default) =>
        Portal<IRagStackStatusReader>().ReadAsync(_tenant, cancellationToken);

    public Task<IReadOnlyList<ConversationSummary>> ListConversationsAsync(string? titleSearch = null, CancellationToken cancellationToken = default) =>
        Portal<IConversations>().ListAsync(_tenant, titleSearch, cancellationToken);

    public Task<ConversationSummary> CreateConversationAsync(string? title = null, string? index = null, string? domain = null, CancellationToken cancellationToken = default) =>
        Portal<IConversations>().CreateAsync(_tenant, title, index, domain, cancellationToken);

    public Task<Conversation?> GetConversationAsync(string conversationId, CancellationToken cancellationToken = default) =>
        Portal<IConversations>().GetAsync(_tenant, conversationId, cancellationToken);

    public Task<ConversationSummary?> RenameConversationAsync(string conversationId, string title, CancellationToken cancellationToken = default) =>
        Portal<IConversations>().RenameAsync(_tenant, conversationId, title, cancellationToken);

    public Task<bool> DeleteConversationAsync(string conversationId, CancellationToken cancellationToken = default) =>
        Portal<IConversations>().DeleteAsync(_tenant, conversationId, cancellationToken);

    /// <summary>In process, a failure after the first step is thrown as it is (the API sends it as a failed update instead); the answer is stored marked.</summary>
    public IAsyncEnumerable<ConversationUpdate> AskInConversationStreamingAsync(string conversationId, ConversationQuestion question, CancellationToken cancellationToken = default) =>
        Portal<IConversations>().AskAsync(_tenant, conversationId, question, cancellationToken);

    /// <summary>
    /// A service only the portal calls need, looked up when first used: a composition whose store keeps no conversations
    /// still uploads, searches and asks.
    /// </summary>
    private T Portal<T>()
        where T : notnull
    {
        try
        {
            return services.GetRequiredService<T>();
        }
        catch (InvalidOperationException e)
        {
            throw new NotSupportedException($"This in-process RagStack has no {typeof(T).Name}: its store does not provide it; use the embedded store (AddEmbeddedStore) or a remote RagStack.Api.", e);
        }
    }

    /// <summary>The tenant's document with this id in this index; null for one in another index, as the API answers it.</summary>
    private async Task<DocumentRecord?> FindAsync(string index, string documentId, CancellationToken cancellationToken) =>
        await catalog.GetAsync(_tenant, documentId, cancellationToken) is { } document && document.Index == index ? document : null;
}
