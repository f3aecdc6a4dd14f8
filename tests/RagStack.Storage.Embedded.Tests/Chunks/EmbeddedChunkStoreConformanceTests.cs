namespace RagStack.Storage.Embedded.Tests.Chunks;

/// <summary>The embedded store against the shared chunk-store conformance suite, on a real data folder.</summary>
public sealed class EmbeddedChunkStoreConformanceTests : ChunkStoreConformanceTests
{
    private readonly TemporaryFolder _folder = new("ragstack-store-tests-");
    private EmbeddedStore? _store;

    protected override async Task<IChunkStore> CreateStoreAsync()
    {
        _store = await EmbeddedStore.OpenAsync(new EmbeddedStoreOptions { DataDirectory = _folder.FullName });
        return _store.Chunks;
    }

    protected override async ValueTask DisposeStoreAsync(IChunkStore store)
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        _folder.Dispose();
    }
}
