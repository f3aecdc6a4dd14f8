using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;
using RagStack.Api.Tenancy;
using RagStack.Documents;
using RagStack.Ingestion;

namespace RagStack.Api.Documents;

/// <summary>
/// Maps the documents of an index: upload (queued for ingestion), list, status, original content and delete. Every
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
