using RagStack.Chunks;

namespace RagStack.Core.Tests.Retrieval;

/// <summary>Ranked chunks for the fusion tests: a chunk named by its id, with a score.</summary>
internal static class ScoredChunks
{
    public static ScoredChunk Scored(string id, double score) =>
        new(new ChunkRecord { Id = id, DocumentId = "d", Index = "i", Tenant = "t", DocumentName = "d.txt", Text = id }, score);
}
