using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using RagStack.Answering;
using RagStack.Client.Ask;
using RagStack.Client.Conversations;
using RagStack.Client.Documents;
using RagStack.Client.Search;
using RagStack.Conversations;
using RagStack.Documents;
using RagStack.Retrieval;

namespace RagStack.Client;

/// <summary>
/// <see cref="IRagStackClient"/> over RagStack.Api. Calls that send or read a stream (uploads, streamed answers) use a
/// client without the resilience pipeline: a stream cannot be sent twice, and a retry or timeout would cut an answer
/// being written.
/// </summary>
internal sealed class RemoteRagStackClient(IHttpClientFactory clients) : IRagStackClient
{
    /// <summary>The client with the standard resilience handler.</summary>
    public const string ResilientClient = "RagStack.Client";

    /// <summary>The client for streams: no retries, no timeout but the caller's cancellation.</summary>
    public const string StreamClient = "RagStack.Client.Streams";

    private const string EventStream = "text/event-stream";

    public async Task<IReadOnlyList<UploadReceipt>> UploadAsync(
        string index, IReadOnlyList<DocumentUpload> files, IReadOnlyList<string>? tags = null, IProgress<UploadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(index);
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0)
        {
            return [];
        }

        var counter = new UploadCounter(progress);
        using var body = new MultipartFormDataContent();
        foreach (var file in files)
        {
            var part = new ProgressContent(file, counter);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            body.Add(part, "files", file.Name);
        }

        var query = tags is { Count: > 0 } ? "?" + string.Join('&', tags.Select(t => "tags=" + Uri.EscapeDataString(t))) : "";
        using var response = await clients.CreateClient(StreamClient).PostAsync(DocumentsPath(index) + query, body, cancellationToken);
        return (await ProblemResponses.ReadJsonAsync<UploadResponse>(response, cancellationToken)).Documents;
    }

    public async Task<DocumentInfo?> GetDocumentAsync(string index, string documentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(documentId);
        using var response = await clients.CreateClient(ResilientClient).GetAsync(DocumentPath(index, documentId), cancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ProblemResponses.ReadJsonAsync<DocumentInfo>(response, cancellationToken);
    }

    public async Task<IReadOnlyList<DocumentInfo>> ListDocumentsAsync(string index, CancellationToken cancellationToken = default)
    {
        using var response = await clients.CreateClient(ResilientClient).GetAsync(DocumentsPath(index), cancellationToken);
        return (await ProblemResponses.ReadJsonAsync<DocumentListResponse>(response, cancellationToken)).Documents;
    }

    public async Task<bool> DeleteDocumentAsync(string index, string documentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(documentId);
        using var response = await clients.CreateClient(ResilientClient).DeleteAsync(DocumentPath(index, documentId), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await ProblemResponses.EnsureSuccessAsync(response, cancellationToken);
        return true;
    }

    public async Task<IReadOnlyList<SearchResult>> SearchAsync(SearchRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.DocumentIds is { Count: > 0 } || !request.QueryVector.IsEmpty)
        {
            throw new NotSupportedException("SearchRequest.DocumentIds and QueryVector are not accepted by RagStack.Api's /api/search; leave them unset when searching a remote RagStack.");
        }

        var body = new SearchBody(request.Query, request.Index, request.Top, request.Mode, request.Tags);
        using var response = await clients.CreateClient(ResilientClient).PostAsJsonAsync("api/search", body, ApiJson.Options, cancellationToken);
        return (await ProblemResponses.ReadJsonAsync<SearchResponse>(response, cancellationToken)).ToResults();
    }

    public async Task<Answer> AskAsync(AskRequest request, CancellationToken cancellationToken = default)
    {
        using var response = await clients.CreateClient(ResilientClient).PostAsJsonAsync("api/ask", AskBody.From(request), ApiJson.Options, cancellationToken);
        return (await ProblemResponses.ReadJsonAsync<AnswerBody>(response, cancellationToken)).ToAnswer();
    }

    public async IAsyncEnumerable<AnswerUpdate> AskStreamingAsync(AskRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "api/ask") { Content = JsonContent.Create(AskBody.From(request), options: ApiJson.Options) };
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(EventStream));
        using var response = await clients.CreateClient(StreamClient).SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await ProblemResponses.EnsureSuccessAsync(response, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);

        var text = new System.Text.StringBuilder();
        IReadOnlyList<AnswerSource> sources = [];
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken))
        {
            switch (item.EventType)
            {
                case "token":
                    var token = Deserialize<TokenEvent>(item).Text;
                    text.Append(token);
                    yield return new AnswerUpdate { Text = token };
                    break;
                case "sources":
                    sources = SourceBody.ToSources(Deserialize<SourcesEvent>(item).Sources);
                    break;
                case "done":
                    yield return new AnswerUpdate { Completed = Deserialize<AnswerBody>(item).ToAnswer(text.ToString(), sources) };
                    yield break;
                case "error":
                    throw ProblemResponses.FromEvent(item.Data);
                default:
                    // An event this client does not know yet (the API may add some); it carries nothing the answer needs.
                    break;
            }
        }

        throw new RagStackApiException(HttpStatusCode.InternalServerError, "The answer stream ended early", "RagStack.Api closed the answer stream before its done event.");
    }

    public async Task<DocumentContent?> GetDocumentContentAsync(string index, string documentId, CancellationToken cancellationToken = default)
    {
        using var response = await clients.CreateClient(ResilientClient).GetAsync(DocumentPath(index, documentId) + "/text", cancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ProblemResponses.ReadJsonAsync<DocumentContent>(response, cancellationToken);
    }

    public async Task<DocumentOriginal?> OpenOriginalAsync(string index, string documentId, CancellationToken cancellationToken = default)
    {
        var response = await clients.CreateClient(StreamClient).GetAsync(DocumentPath(index, documentId) + "/content", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        try
        {
            if (response.StatusCode == HttpStatusCode.NotFound && !await IsMissingOriginalAsync(response, cancellationToken))
            {
                response.Dispose();
                return null;
            }

            await ProblemResponses.EnsureSuccessAsync(response, cancellationToken);
            var headers = response.Content.Headers;
            var name = headers.ContentDisposition?.FileNameStar ?? headers.ContentDisposition?.FileName?.Trim('"') ?? documentId;
            var content = await response.Content.ReadAsStreamAsync(cancellationToken);
            return new DocumentOriginal(new ResponseStream(content, response), headers.ContentType?.MediaType ?? "application/octet-stream", name);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    public async IAsyncEnumerable<DocumentChange> WatchDocumentsAsync(string index, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, DocumentsPath(index) + "/events");
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(EventStream));
        using var response = await clients.CreateClient(StreamClient).SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await ProblemResponses.EnsureSuccessAsync(response, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken))
        {
            if (item.EventType is "existing" or "changed" or "deleted")
            {
                var change = Deserialize<DocumentChangeBody>(item);
                yield return new DocumentChange(change.Kind, change.Document);
            }
        }
    }

    public async Task<DocumentInfo?> ReingestDocumentAsync(string index, string documentId, CancellationToken cancellationToken = default)
    {
        using var response = await clients.CreateClient(ResilientClient).PostAsync(DocumentPath(index, documentId) + "/reingest", content: null, cancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound && !await IsMissingOriginalAsync(response, cancellationToken)
            ? null
            : await ProblemResponses.ReadJsonAsync<DocumentInfo>(response, cancellationToken);
    }

    public async Task<RagStackStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        using var response = await clients.CreateClient(ResilientClient).GetAsync("api/status", cancellationToken);
        return await ProblemResponses.ReadJsonAsync<RagStackStatus>(response, cancellationToken);
    }

    public async Task<IReadOnlyList<ConversationSummary>> ListConversationsAsync(string? titleSearch = null, CancellationToken cancellationToken = default)
    {
        var query = string.IsNullOrWhiteSpace(titleSearch) ? "" : "?search=" + Uri.EscapeDataString(titleSearch);
        using var response = await clients.CreateClient(ResilientClient).GetAsync(ConversationsPath + query, cancellationToken);
        return (await ProblemResponses.ReadJsonAsync<ConversationListBody>(response, cancellationToken)).Conversations;
    }

    public async Task<ConversationSummary> CreateConversationAsync(string? title = null, string? index = null, string? domain = null, CancellationToken cancellationToken = default)
    {
        // Not retried: a retry after a lost answer would start a second conversation.
        using var response = await clients.CreateClient(StreamClient).PostAsJsonAsync(ConversationsPath, new CreateConversationBody(title, index, domain), ApiJson.Options, cancellationToken);
        return await ProblemResponses.ReadJsonAsync<ConversationSummary>(response, cancellationToken);
    }

    public async Task<Conversation?> GetConversationAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        using var response = await clients.CreateClient(ResilientClient).GetAsync(ConversationPath(conversationId), cancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ProblemResponses.ReadJsonAsync<Conversation>(response, cancellationToken);
    }

    public async Task<ConversationSummary?> RenameConversationAsync(string conversationId, string title, CancellationToken cancellationToken = default)
    {
        using var response = await clients.CreateClient(ResilientClient).PatchAsJsonAsync(ConversationPath(conversationId), new RenameConversationBody(title), ApiJson.Options, cancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ProblemResponses.ReadJsonAsync<ConversationSummary>(response, cancellationToken);
    }

    public async Task<bool> DeleteConversationAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        using var response = await clients.CreateClient(ResilientClient).DeleteAsync(ConversationPath(conversationId), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await ProblemResponses.EnsureSuccessAsync(response, cancellationToken);
        return true;
    }

    public async IAsyncEnumerable<ConversationUpdate> AskInConversationStreamingAsync(
        string conversationId, ConversationQuestion question, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(question);
        using var message = new HttpRequestMessage(HttpMethod.Post, ConversationPath(conversationId) + "/messages")
        {
            Content = JsonContent.Create(ConversationQuestionBody.From(question), options: ApiJson.Options),
        };
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(EventStream));
        // Cancelling closes the connection, which the API sees as an aborted request: the generator stops there too.
        using var response = await clients.CreateClient(StreamClient).SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await ProblemResponses.EnsureSuccessAsync(response, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken))
        {
            if (item.EventType is not ("question" or "retrieving" or "retrieved" or "token" or "completed" or "failed"))
            {
                // An event this client does not know yet (the API may add some).
                continue;
            }

            var update = Deserialize<ConversationUpdate>(item);
            yield return update;
            if (update is ConversationCompleted or ConversationFailed)
            {
                yield break;
            }
        }

        throw new RagStackApiException(HttpStatusCode.InternalServerError, "The answer stream ended early", "RagStack.Api closed the conversation's stream before its completed event.");
    }

    /// <summary>A 404 for a document that exists but whose original is gone: an error to show, not "no such document".</summary>
    private static async Task<bool> IsMissingOriginalAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        (await ProblemResponses.ReadAsync(response, cancellationToken)).Title == "Original missing";

    private static T Deserialize<T>(SseItem<string> item) =>
        JsonSerializer.Deserialize<T>(item.Data, ApiJson.Options)
        ?? throw new RagStackApiException(HttpStatusCode.InternalServerError, "Unreadable answer stream", $"The {item.EventType} event holds no data.");

    private static string DocumentsPath(string index)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(index);
        return $"api/indexes/{Uri.EscapeDataString(index)}/documents";
    }

    private static string DocumentPath(string index, string documentId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(documentId);
        return $"{DocumentsPath(index)}/{Uri.EscapeDataString(documentId)}";
    }

    private const string ConversationsPath = "api/conversations";

    private static string ConversationPath(string conversationId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(conversationId);
        return $"{ConversationsPath}/{Uri.EscapeDataString(conversationId)}";
    }
}
