using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;
using RagStack.Api.Streaming;
using RagStack.Api.Tenancy;
using RagStack.Documents;
using RagStack.Ingestion;

namespace RagStack.Api.Documents;

/// <summary>
/// Maps the documents of an index: upload (queued for ingestion), list, status, its changes as they happen, original
/// content, extracted text with spans, re-ingestion and delete. Every
/// call sees only the caller's tenant; another tenant's document is answered 404, exactly like one that does not exist.
/// </summary>
public static class DocumentsApi
{
    /// <summary>Maps <c>{group}/indexes/{index}/documents</c> on <paramref name="routes"/>.</summary>
    public static RouteGroupBuilder MapDocumentsApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var group = routes.MapGroup("/indexes/{index}/documents").WithTags("Documents");
        group.AddEndpointFilter(RefuseInvalidIndexAsync);
        group.MapPost("/", UploadAsync)
            .WithName("UploadDocuments")
            .WithSummary("Uploads files (multipart/form-data, one part per file) into the index; each is queued for ingestion.")
            .DisableAntiforgery()
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.RequestBody = MultipartFilesBody();
                return Task.CompletedTask;
            })
            .Produces<UploadResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapGet("/", ListAsync)
            .WithName("ListDocuments")
            .WithSummary("The index's documents with their status.");
        group.MapGet("/{id}", GetAsync)
            .WithName("GetDocument")
            .WithSummary("One document: its status for each pipeline step, and why it failed if it did.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/content", GetContentAsync)
            .WithName("GetDocumentContent")
            .WithSummary("The original file as it was uploaded.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/text", GetTextAsync)
            .WithName("GetDocumentText")
            .WithSummary("The document's extracted text with its pages, sections and chunk spans, for a viewer; a citation's start and end point into it.")
            .Produces<DocumentContent>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/events", WatchAsync)
            .WithName("WatchDocuments")
            .WithSummary("Server-sent events: an existing event per document of the index, then changed and deleted events as the pipeline moves them on.")
            .Produces<DocumentChangeEvent>(StatusCodes.Status200OK, EventStream.MediaType);
        group.MapPost("/{id}/reingest", ReingestAsync)
            .WithName("ReingestDocument")
            .WithSummary("Runs the document through the pipeline again from its stored original.")
            .Produces<DocumentResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/{id}", DeleteAsync)
            .WithName("DeleteDocument")
            .WithSummary("Removes the document: its chunks, its record and its original.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    /// <summary>Every call on an index first checks its name, so no route reads, lists or writes under a name the rule refuses.</summary>
    private static ValueTask<object?> RefuseInvalidIndexAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        IndexName.Problem(context.HttpContext.GetRouteValue("index") as string) is { } problem
            ? ValueTask.FromResult<object?>(Problem(StatusCodes.Status400BadRequest, "Invalid index name", problem))
            : next(context);

    /// <summary>The upload's body as the OpenAPI document describes it: it is read by hand, so no parameter shows it.</summary>
    private static OpenApiRequestBody MultipartFilesBody() => new()
    {
        Required = true,
        Description = "One part per file, each with its file name; PDF, DOCX, HTML, Markdown or plain text.",
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["multipart/form-data"] = new()
            {
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["files"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
                    },
                },
            },
        },
    };

    private static async Task<IResult> UploadAsync(
        string index, [FromQuery] string[]? tags, HttpContext http, UploadReader reader, IDocumentCatalog catalog, IIngestionQueue queue,
        IngestionSignal signal, TimeProvider time, CancellationToken cancellationToken)
    {
        var tenant = RequestTenant.Of(http);
        var tagList = (tags ?? []).SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct().Order(StringComparer.Ordinal).ToList();
        IReadOnlyList<StoredFile> files;
        try
        {
            files = await reader.ReadAsync(http.Request, cancellationToken);
        }
        catch (UploadRejectedException e)
        {
            return Problem(e.Status, e.Title, e.Message);
        }

        var now = time.GetUtcNow();
        var queued = new List<DocumentRecord>();
        var answer = new List<UploadedDocument>();
        try
        {
            foreach (var file in files)
            {
                var id = DocumentIds.ForDocument(tenant, index, file.Name);
                var existing = await catalog.GetAsync(tenant, id, cancellationToken);
                var unchanged = existing is { Status: DocumentStatus.Ready } && existing.ContentHash == file.ContentHash && existing.Tags.SequenceEqual(tagList, StringComparer.Ordinal);
                var document = unchanged ? existing! : new DocumentRecord
                {
                    Id = id,
                    Index = index,
                    Tenant = tenant,
                    Name = file.Name,
                    ContentHash = file.ContentHash,
                    ContentType = file.ContentType,
                    SizeBytes = file.SizeBytes,
                    Tags = tagList,
                    Status = DocumentStatus.Queued,
                    ChunkCount = existing?.ChunkCount ?? 0,
                    CreatedAt = existing?.CreatedAt ?? now,
                    UpdatedAt = now,
                };
                if (!unchanged)
                {
                    queued.Add(document);
                }

                var links = DocumentResponse.From(document, http.Request.PathBase);
                answer.Add(new UploadedDocument(id, file.Name, index, document.Status, unchanged, file.ContentType, file.SizeBytes, links.StatusUrl, links.ContentUrl));
            }

            await queue.EnqueueAsync(queued, CancellationToken.None);
        }
        catch
        {
            await reader.DeleteUnreferencedAsync(files.Select(f => f.ContentHash));
            throw;
        }

        signal.Notify();
        return TypedResults.Json(new UploadResponse(answer), statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<Ok<DocumentListResponse>> ListAsync(string index, HttpContext http, IDocumentCatalog catalog, CancellationToken cancellationToken)
    {
        var documents = await catalog.ListAsync(RequestTenant.Of(http), index, cancellationToken);
        return TypedResults.Ok(new DocumentListResponse(index, [.. documents.Select(d => DocumentResponse.From(d, http.Request.PathBase))]));
    }

    private static async Task<Results<Ok<DocumentResponse>, ProblemHttpResult>> GetAsync(
        string index, string id, HttpContext http, IDocumentCatalog catalog, CancellationToken cancellationToken) =>
        await FindAsync(index, id, http, catalog, cancellationToken) is { } document
            ? TypedResults.Ok(DocumentResponse.From(document, http.Request.PathBase))
            : NotFound(index, id);

    private static async Task<IResult> GetContentAsync(string index, string id, HttpContext http, IDocumentCatalog catalog, IBlobStore blobs, CancellationToken cancellationToken)
    {
        if (await FindAsync(index, id, http, catalog, cancellationToken) is not { } document)
        {
            return NotFound(index, id);
        }

        return blobs.OpenRead(document.ContentHash) is { } content
            ? Original(http.Response, content, document)
            : Problem(StatusCodes.Status404NotFound, "Original missing", $"The original of {UploadNames.Show(document.Name)} is missing from the blob store; upload it again.");
    }

    /// <summary>
    /// The stored bytes under their sniffed type, never to be re-sniffed by a browser (<c>nosniff</c>): a file uploaded as
    /// text but holding HTML must not run as a page of this service. The name travels in <c>filename*</c> as well, encoded.
    /// </summary>
    private static IResult Original(HttpResponse response, Stream content, DocumentRecord document)
    {
        response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.Stream(content, document.ContentType is { Length: > 0 } type ? type : "application/octet-stream", document.Name, enableRangeProcessing: true);
    }

    private static async Task<Results<Ok<DocumentContent>, ProblemHttpResult>> GetTextAsync(
        string index, string id, HttpContext http, IDocumentContentReader reader, CancellationToken cancellationToken) =>
        await reader.ReadAsync(RequestTenant.Of(http), index, id, cancellationToken) is { } content ? TypedResults.Ok(content) : NotFound(index, id);

    /// <summary>The index's documents, then their changes, until the caller goes away; the stream is the caller's tenant's only.</summary>
    private static async Task WatchAsync(string index, HttpContext http, IDocumentWatcher watcher)
    {
        var cancellationToken = http.RequestAborted;
        var events = EventStream.Start(http);
        // The headers go at once, so a caller sees the stream open even for an empty index.
        await http.Response.Body.FlushAsync(cancellationToken);
        try
        {
            await foreach (var change in watcher.WatchAsync(RequestTenant.Of(http), index, cancellationToken))
            {
                var document = DocumentResponse.From(change.Document, http.Request.PathBase);
                await events.WriteAsync(change.Kind.ToString().ToLowerInvariant(), new DocumentChangeEvent(change.Kind, document), cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller went away: the normal end of a watch.
        }
    }

    private static async Task<IResult> ReingestAsync(
        string index, string id, HttpContext http, IDocumentCatalog catalog, IBlobStore blobs, IIngestionQueue queue, IngestionSignal signal, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await FindAsync(index, id, http, catalog, cancellationToken) is not { } document)
        {
            return NotFound(index, id);
        }

        if (document.Status is DocumentStatus.Queued or DocumentStatus.Processing)
        {
            return Problem(StatusCodes.Status409Conflict, "Document is being ingested",
                $"{UploadNames.Show(document.Name)} is queued or being ingested right now; re-ingest it once its status is ready or failed.");
        }

        if (!blobs.Exists(document.ContentHash))
        {
            return Problem(StatusCodes.Status404NotFound, "Original missing", $"The original of {UploadNames.Show(document.Name)} is missing from the blob store; upload it again.");
        }

        // Queued, it is no longer "ready with these bytes", so the pipeline runs it again instead of skipping it.
        var queued = document with { Status = DocumentStatus.Queued, FailedStep = null, Error = null, CompletedStep = null, ChunksEmbedded = 0, UpdatedAt = time.GetUtcNow() };
        await queue.EnqueueAsync([queued], CancellationToken.None);
        signal.Notify();
        return TypedResults.Json(DocumentResponse.From(queued, http.Request.PathBase), statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> DeleteAsync(
        string index, string id, HttpContext http, IDocumentCatalog catalog, IIngestionQueue queue, IDocumentIngestor ingestor, CancellationToken cancellationToken)
    {
        if (await FindAsync(index, id, http, catalog, cancellationToken) is not { } document)
        {
            return NotFound(index, id);
        }

        if (document.Status == DocumentStatus.Processing)
        {
            return Problem(StatusCodes.Status409Conflict, "Document is being ingested",
                $"{UploadNames.Show(document.Name)} is being ingested right now; delete it once its status is ready or failed.");
        }

        await queue.CancelAsync(document.Tenant, document.Id, cancellationToken);
        await ingestor.DeleteAsync(document.Tenant, document.Id, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>The caller's document with this id in this index; null for any other tenant's, so none is ever revealed.</summary>
    private static async Task<DocumentRecord?> FindAsync(string index, string id, HttpContext http, IDocumentCatalog catalog, CancellationToken cancellationToken) =>
        await catalog.GetAsync(RequestTenant.Of(http), id, cancellationToken) is { } document && document.Index == index ? document : null;

    private static ProblemHttpResult NotFound(string index, string id) =>
        Problem(StatusCodes.Status404NotFound, "Document not found", $"Index {UploadNames.Show(index)} has no document {UploadNames.Show(id)}.");

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);
}
