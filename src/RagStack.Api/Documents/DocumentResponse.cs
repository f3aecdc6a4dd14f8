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
    IReadOnlyList<StepResponse> Steps,
    string? FailedStep,
    string? Error,
    string ContentType,
    long SizeBytes,
    IReadOnlyList<string> Tags,
    int ChunkCount,
    int? PageCount,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string StatusUrl,
    string ContentUrl)
{
    public static DocumentResponse From(DocumentRecord document, string pathBase)
    {
        var url = $"{pathBase}/api/indexes/{Uri.EscapeDataString(document.Index)}/documents/{Uri.EscapeDataString(document.Id)}";
        return new DocumentResponse(
            document.Id, document.Name, document.Index, document.Status, StepsOf(document), document.FailedStep, document.Error,
            document.ContentType, document.SizeBytes, document.Tags, document.ChunkCount, document.PageCount,
            document.CreatedAt, document.UpdatedAt, url, url + "/content");
    }

    /// <summary>Each step's state, from the last completed step and the document's status.</summary>
    private static IReadOnlyList<StepResponse> StepsOf(DocumentRecord document)
    {
        var steps = PipelineSteps.All;
        var completed = document.Status == DocumentStatus.Ready ? steps.Count - 1
            : document.CompletedStep is { } step ? IndexOf(steps, step) : -1;
        var failed = document.Status == DocumentStatus.Failed && document.FailedStep is { } f ? IndexOf(steps, f) : -1;
        return [.. steps.Select((name, i) => new StepResponse(name,
            i <= completed ? StepStatus.Done
            : i == failed ? StepStatus.Failed
            : document.Status == DocumentStatus.Processing && i == completed + 1 ? StepStatus.Running
            : StepStatus.Pending))];
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

/// <summary>The documents of an index.</summary>
internal sealed record DocumentListResponse(string Index, IReadOnlyList<DocumentResponse> Documents);
