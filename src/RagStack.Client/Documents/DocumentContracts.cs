namespace RagStack.Client.Documents;

/// <summary>The answer to an upload: each file as the API accepted it.</summary>
internal sealed record UploadResponse(IReadOnlyList<UploadReceipt> Documents);

/// <summary>The documents of an index.</summary>
internal sealed record DocumentListResponse(string Index, IReadOnlyList<DocumentInfo> Documents);

/// <summary>One event of <c>GET …/documents/events</c>.</summary>
internal sealed record DocumentChangeBody(RagStack.Documents.DocumentChangeKind Kind, DocumentInfo Document);
