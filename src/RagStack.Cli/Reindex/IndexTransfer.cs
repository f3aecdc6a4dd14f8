using RagStack.Documents;
using RagStack.Storage;

namespace RagStack.Cli.Reindex;

/// <summary>How far a transfer is: documents done of all, and how many of those were already in the target.</summary>
internal sealed record TransferProgress(int Done, int Total, int AlreadyThere, string? Current);

/// <summary>What a transfer did, and whether both stores hold the same number of chunks at the end.</summary>
internal sealed record TransferResult(int Documents, int Copied, int AlreadyThere, int NotReady, long Chunks, long SourceChunks, long TargetChunks)
{
    /// <summary>Both stores hold the same number of chunks of the index.</summary>
    public bool CountsMatch => SourceChunks == TargetChunks;
}

/// <summary>
/// Copies one index's chunk records (text, citations and vectors: nothing is embedded again) from one chunk store to
/// another, document by document, and, when the target is another data folder, the documents' records and original
/// bytes with them. A document whose chunks the target already holds is skipped, so an interrupted transfer resumes
/// where it stopped when run again. Within a document the original goes first and the record last, so the target's
/// catalog never lists a document whose chunks are missing.
/// </summary>
internal sealed class IndexTransfer(IDocumentCatalog catalog, IBlobStore blobs, IChunkStore source, IChunkStore target, IDocumentCatalog? targetCatalog = null, IBlobStore? targetBlobs = null)
{
    public async Task<TransferResult> RunAsync(string tenant, string index, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        var documents = await catalog.ListAsync(tenant, index, cancellationToken);
        var ready = documents.Where(d => d.Status == DocumentStatus.Ready).ToList();
        int done = 0, copied = 0, alreadyThere = 0;
        long chunks = 0;
        progress?.Report(new TransferProgress(0, ready.Count, 0, null));
        foreach (var document in ready)
        {
            var records = await source.GetDocumentChunksAsync(tenant, index, document.Id, cancellationToken);
            var present = await target.GetDocumentChunksAsync(tenant, index, document.Id, cancellationToken);
            var inTarget = present.Select(c => c.Id).SequenceEqual(records.Select(c => c.Id), StringComparer.Ordinal)
                && (targetCatalog is null || await targetCatalog.GetAsync(tenant, document.Id, cancellationToken) is { Status: DocumentStatus.Ready });
            if (inTarget)
            {
                alreadyThere++;
            }
            else
            {
                await CopyOriginalAsync(document, cancellationToken);
                await target.ReplaceDocumentChunksAsync(tenant, index, document.Id, records, cancellationToken);
                if (targetCatalog is not null)
                {
                    await targetCatalog.UpsertAsync(document with { ChunkCount = records.Count }, cancellationToken);
                }

                copied++;
            }

            chunks += records.Count;
            progress?.Report(new TransferProgress(++done, ready.Count, alreadyThere, document.Name));
        }

        var sourceCount = await source.CountAsync(tenant, index, cancellationToken);
        var targetCount = await target.CountAsync(tenant, index, cancellationToken);
        return new TransferResult(ready.Count, copied, alreadyThere, documents.Count - ready.Count, chunks, sourceCount, targetCount);
    }

    private async Task CopyOriginalAsync(DocumentRecord document, CancellationToken cancellationToken)
    {
        if (targetBlobs is null || targetBlobs.Exists(document.ContentHash))
        {
            return;
        }

        await using var original = blobs.OpenRead(document.ContentHash)
            ?? throw new InvalidDataException($"The original of '{document.Name}' (sha256 {document.ContentHash}) is missing from the data folder; ingest the file again before moving the index.");
        var hash = await targetBlobs.PutAsync(original, cancellationToken);
        if (hash != document.ContentHash)
        {
            throw new InvalidDataException($"The original of '{document.Name}' reads back as sha256 {hash}, not {document.ContentHash}: the data folder's copy is damaged.");
        }
    }
}
