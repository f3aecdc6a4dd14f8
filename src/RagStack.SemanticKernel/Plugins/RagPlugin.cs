using System.ComponentModel;
using System.Globalization;
using System.Text;
using Microsoft.SemanticKernel;
using RagStack.Answering;
using RagStack.Documents;
using RagStack.Retrieval;

namespace RagStack.SemanticKernel;

/// <summary>
/// RagStack as Semantic Kernel functions over any <see cref="IRagStackClient"/>, local or remote: <c>search</c>,
/// <c>ask</c>, <c>ingest_text</c> and <c>list_documents</c>. Results are plain text a model can quote, with each source
/// numbered <c>[n]</c> beside its document, page and passage, so the model can cite what it read.
/// </summary>
public sealed class RagPlugin
{
    /// <summary>The plugin name the registrations use; a model calling functions sees e.g. <c>rag-ask</c> (Semantic Kernel's OpenAI connector) or <c>rag_ask</c> (an <c>IChatClient</c>).</summary>
    public const string DefaultName = "rag";

    private readonly IRagStackClient _client;
    private readonly RagPluginOptions _options;

    /// <summary>Creates the plugin over <paramref name="client"/>.</summary>
    public RagPlugin(IRagStackClient client, RagPluginOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _options = options ?? new RagPluginOptions();
    }

    /// <summary>The passages of the user's documents that best match a query, numbered for citation.</summary>
    [KernelFunction("search")]
    [Description("Searches the user's own documents (uploaded files: contracts, manuals, notes, papers) and returns the best matching passages, each numbered [n] with its document, page and section. Use it to look facts up in the user's documents; cite a passage by its [n] and document when you use it.")]
    public async Task<string> SearchAsync(
        [Description("What to look for, in plain words, e.g. 'notice period for ending the lease'.")] string query,
        [Description("How many passages to return, 1 to 20.")] int top = 5,
        [Description("The document index to search; leave empty for the default.")] string? index = null,
        CancellationToken cancellationToken = default)
    {
        var results = await _client.SearchAsync(new SearchRequest { Query = query, Index = IndexOrDefault(index) ?? "default", Top = Math.Clamp(top, 1, 20) }, cancellationToken);
        if (results.Count == 0)
        {
            return "No passage of the user's documents matches this query.";
        }

        var text = new StringBuilder();
        for (var i = 0; i < results.Count; i++)
        {
            AppendSource(text, i + 1, results[i].Citation, results[i].Chunk.Text);
        }

        return text.ToString().TrimEnd();
    }

    /// <summary>A grounded answer from the user's documents, with the numbered sources its citations point at.</summary>
    [KernelFunction("ask")]
    [Description("Answers a question from the user's own documents and returns the answer with its sources: each [n] in the answer is a source listed below it with its document, page and the passage quoted. Prefer it for questions about the user's files; when you repeat the answer, keep the [n] citations and name the documents. If it says the documents do not contain the answer, say so rather than guessing.")]
    public async Task<string> AskAsync(
        [Description("The question, complete and standalone (resolve 'it' or 'that' from the conversation first).")] string question,
        [Description("The document index to answer from; leave empty for the default.")] string? index = null,
        CancellationToken cancellationToken = default)
    {
        var answer = await _client.AskAsync(new AskRequest { Question = question, Index = IndexOrDefault(index), Domain = _options.Domain }, cancellationToken);
        return Format(answer);
    }

    /// <summary>Adds a text to the user's documents, searchable once this returns.</summary>
    [KernelFunction("ingest_text")]
    [Description("Saves a text into the user's documents so later searches and questions can find it, e.g. notes the user dictates or a page they paste. Returns whether it was stored and how many passages it was cut into.")]
    public async Task<string> IngestTextAsync(
        [Description("A short title for the text; it becomes the document's name, and saving again under the same title replaces it.")] string title,
        [Description("The text to save, as Markdown or plain text.")] string text,
        [Description("The document index to save into; leave empty for the default.")] string? index = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        var target = IndexOrDefault(index) ?? "default";
        var name = title.EndsWith(".md", StringComparison.OrdinalIgnoreCase) ? title : title + ".md";
        var receipt = (await _client.UploadAsync(target, [DocumentUpload.FromText(name, text)], cancellationToken: cancellationToken))[0];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.IngestTimeout);
        var document = await _client.WaitForDocumentAsync(target, receipt.Id, cancellationToken: timeout.Token);
        return document.Status == DocumentStatus.Ready
            ? string.Create(CultureInfo.InvariantCulture, $"Saved '{document.Name}' in index '{target}' as document {document.Id}: {document.ChunkCount} passages, searchable now.")
            : $"'{document.Name}' could not be saved: {document.Error ?? "its ingestion failed"} (step {document.FailedStep ?? "unknown"}).";
    }

    /// <summary>The documents of an index with their status.</summary>
    [KernelFunction("list_documents")]
    [Description("Lists the user's documents in an index: name, id, status (queued, processing, ready or failed), passages and pages. Use it to tell the user what they have uploaded or whether a document is ready.")]
    public async Task<string> ListDocumentsAsync(
        [Description("The document index to list; leave empty for the default.")] string? index = null,
        CancellationToken cancellationToken = default)
    {
        var target = IndexOrDefault(index) ?? "default";
        var documents = await _client.ListDocumentsAsync(target, cancellationToken);
        if (documents.Count == 0)
        {
            return $"Index '{target}' has no documents.";
        }

        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"Index '{target}' has {documents.Count} documents:\n");
        foreach (var d in documents)
        {
            text.Append(CultureInfo.InvariantCulture, $"- {d.Name} (id {d.Id}): {d.Status.ToString().ToLowerInvariant()}, {d.ChunkCount} passages");
            text.Append(d.PageCount is { } pages ? string.Create(CultureInfo.InvariantCulture, $", {pages} pages") : "");
            text.Append(d.Error is { } error ? $"; failed: {error}" : "").Append('\n');
        }

        return text.ToString().TrimEnd();
    }

    /// <summary>An answer as a model reads it: the text with its <c>[n]</c> citations, then each cited source.</summary>
    internal static string Format(Answer answer)
    {
        var text = new StringBuilder(answer.Text.Trim()).Append("\n\n");
        if (answer.Sources.Count == 0)
        {
            return text.Append("Sources: none (the user's documents do not contain the answer).").ToString();
        }

        text.Append("Sources:\n");
        foreach (var source in answer.Sources)
        {
            AppendSource(text, source.Number, source.Citation, source.Snippet);
        }

        return text.ToString().TrimEnd();
    }

    private static void AppendSource(StringBuilder text, int number, Citation citation, string passage) =>
        text.Append(CultureInfo.InvariantCulture, $"[{number}] {citation}\n\"{passage.Trim()}\"\n\n");

    private string? IndexOrDefault(string? index) => string.IsNullOrWhiteSpace(index) ? _options.Index : index.Trim();
}
