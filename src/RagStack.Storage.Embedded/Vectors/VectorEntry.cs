namespace RagStack.Storage.Embedded.Vectors;

/// <summary>One chunk row's vector (normalised to unit length) with the fields vector search filters on.</summary>
internal sealed record VectorEntry(long RowId, string Tenant, string DocumentId, IReadOnlyList<string> Tags, float[] Vector);
