using Microsoft.Extensions.Logging.Abstractions;
using Qdrant.Client;
using RagStack.Storage.Embedded;

namespace RagStack.Storage.Qdrant.Tests;

/// <summary>
/// The Qdrant store against the shared chunk-store conformance suite, on a real Qdrant named by
/// <c>RAGSTACK_QDRANT_ENDPOINT</c> (its gRPC address, e.g. <c>http://localhost:6334</c>); each test writes a collection
/// of its own and deletes it. Without the variable every case is reported as skipped, with the reason.
/// </summary>
public sealed class QdrantChunkStoreConformanceTests : ChunkStoreConformanceTests
{
    /// <summary>The environment variable that names the Qdrant to test against.</summary>
    public const string EndpointVariable = "RAGSTACK_QDRANT_ENDPOINT";

    private static readonly string? Endpoint = Environment.GetEnvironmentVariable(EndpointVariable);
    private readonly string _collection = $"ragstack_conformance_{Guid.NewGuid():N}";

    protected override string? SkipReason => string.IsNullOrWhiteSpace(Endpoint)
        ? $"{EndpointVariable} is not set: no Qdrant to test against (docker run -p 6333:6333 -p 6334:6334 qdrant/qdrant, then {EndpointVariable}=http://localhost:6334)"
        : null;

    protected override Task<IChunkStore> CreateStoreAsync() => Task.FromResult(QdrantStoreServiceCollectionExtensions.Create(
        new QdrantStoreOptions { Endpoint = Endpoint!, Collection = _collection, VectorSize = Dimension, UpsertBatchSize = 100, OnDiskPayload = false },
        new EmbeddedStoreOptions(),
        model: null,
        TimeProvider.System,
        NullLoggerFactory.Instance));

    protected override async ValueTask DisposeStoreAsync(IChunkStore store)
    {
        await store.DisposeAsync();
        using var client = new QdrantClient(new Uri(Endpoint!));
        if (await client.CollectionExistsAsync(_collection))
        {
            await client.DeleteCollectionAsync(_collection);
        }
    }
}
