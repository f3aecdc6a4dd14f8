using RagStack.Documents;

namespace RagStack.Api.Documents;

/// <summary>Where one pipeline step of a document stands.</summary>
public enum StepStatus
{
    /// <summary>Not started yet.</summary>
    Pending,
    /// <summary>Running now.</summary>
    Running,
    /// <summary>Finished.</summary>
    Done,
    /// <summary>Failed; the document's error says why.</summary>
    Failed,
}

/// <summary>One pipeline step of a document and where it stands.</summary>
internal sealed record StepResponse(string Name, StepStatus Status);

/// <summary>A document as the service reports it: what it is, where it is in the pipeline, and where to find it.</summary>
internal sealed record DocumentResponse(
    string Id,
    string Name,
    string Index,
    DocumentStatus Status,
    DocumentStage Stage,
    IReadOnlyList<StepResponse> Steps,
    string? FailedStep,
    string? Error,
    string ContentType,
    long SizeBytes,
    IReadOnlyList<string> Tags,
    int ChunkCount,
    int ChunksEmbedded,
    int? PageCount,
    IReadOnlyList<int> PagesWithoutText,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string StatusUrl,
    string ContentUrl)
{
    public static DocumentResponse From(DocumentRecord document, string pathBase) => From(DocumentInfo.From(document), pathBase);

    /// <summary>A client's view of a document as the service reports it, with its links.</summary>
    public static DocumentResponse From(DocumentInfo document, string pathBase)
    {
        ArgumentNullException.ThrowIfNull(document);
        var url = $"{pathBase}/api/indexes/{Uri.EscapeDataString(document.Index)}/documents/{Uri.EscapeDataString(document.Id)}";
        return new DocumentResponse(
            document.Id, document.Name, document.Index, document.Status, document.Stage, StepsOf(document.Stage, document.FailedStep), document.FailedStep, document.Error,
            document.ContentType, document.SizeBytes, document.Tags, document.ChunkCount, document.ChunksEmbedded, document.PageCount,
            document.PagesWithoutText, document.CreatedAt, document.UpdatedAt, url, url + "/content");
    }

    /// <summary>Each step's state from the document's stage: the steps before it done, its own running (or failed).</summary>
    private static IReadOnlyList<StepResponse> StepsOf(DocumentStage stage, string? failedStep)
    {
        var steps = PipelineSteps.All;
        var current = stage switch
        {
            DocumentStage.Queued => -1,
            DocumentStage.Extracting => 0,
            DocumentStage.Partitioning => 1,
            DocumentStage.Embedding => 2,
            DocumentStage.Indexing => 3,
            DocumentStage.Ready => steps.Count,
            _ => failedStep is { } f ? IndexOf(steps, f) : 0,
        };
        return [.. steps.Select((name, i) => new StepResponse(name,
            current < 0 || i > current ? StepStatus.Pending
            : i < current ? StepStatus.Done
            : stage == DocumentStage.Failed ? StepStatus.Failed
            : StepStatus.Running))];
    }

    private static int IndexOf(IReadOnlyList<string> steps, string step)
    {
        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i] == step)
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>The documents of an upload, each with its status and where to follow it.</summary>
internal sealed record UploadResponse(IReadOnlyList<UploadedDocument> Documents);

/// <summary>One uploaded document: queued for ingestion, or <c>unchanged</c> when the index already holds these bytes under its name.</summary>
internal sealed record UploadedDocument(string Id, string Name, string Index, DocumentStatus Status, bool Unchanged, string ContentType, long SizeBytes, string StatusUrl, string ContentUrl);

/// <summary>One event of <c>GET …/documents/events</c>: what happened and the document as it is now (or was, when deleted).</summary>
internal sealed record DocumentChangeEvent(DocumentChangeKind Kind, DocumentResponse Document);

/// <summary>The documents of an index.</summary>
internal sealed record DocumentListResponse(string Index, IReadOnlyList<DocumentResponse> Documents);
