namespace RagStack.Storage.Embedded.Chunks;

/// <summary>A derived index that opening found missing, stale or unreadable and rebuilt from the chunk rows.</summary>
internal sealed record IndexRebuild(string Index, string Component, string Reason);
