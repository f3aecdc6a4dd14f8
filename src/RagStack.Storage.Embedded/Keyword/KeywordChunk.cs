namespace RagStack.Storage.Embedded.Keyword;

/// <summary>What the keyword index keeps of one chunk row: the fields it searches and filters on, keyed by the row id.</summary>
internal sealed record KeywordChunk(long RowId, string Tenant, string DocumentId, string Title, string Text, IReadOnlyList<string> Tags);
