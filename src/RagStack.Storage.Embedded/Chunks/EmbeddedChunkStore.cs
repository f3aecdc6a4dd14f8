using Microsoft.Extensions.Logging;
using RagStack.Chunks;
using RagStack.Storage.Embedded.Database;
using RagStack.Storage.Embedded.Keyword;
using RagStack.Storage.Embedded.Vectors;
using static RagStack.Storage.Embedded.Chunks.ChunkStoreArguments;

namespace RagStack.Storage.Embedded.Chunks;

/// <summary>
/// Chunks in SQLite (the truth, <see cref="ChunkTable"/>) with a Lucene BM25 index and a USearch HNSW graph per chunk
/// index, derived from it (<see cref="DerivedIndexOpener"/>). A write holds the exclusive lock across its SQLite
/// transaction and both index updates, so a search (shared lock) sees a document's old chunks or its new ones, never a
/// mix. Persisting takes the upgradeable lock: searches go on, writes wait. Owned by <see cref="EmbeddedStore"/>;
/// disposing this view does nothing.
/// </summary>
internal sealed class EmbeddedChunkStore : IChunkStore, IDisposable
{
    private readonly EmbeddedDatabase _database;
    private readonly ChunkTable _table;
    private readonly DerivedIndexOpener _opener;
    private readonly ILogger _logger;
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<string, DerivedIndexes> _indexes = new(StringComparer.Ordinal);
    private bool _closed;

    private EmbeddedChunkStore(EmbeddedDatabase database, EmbeddedStoreOptions options, ILogger logger)
    {
        _database = database;
        _table = new ChunkTable(database);
        _logger = logger;
        _opener = new DerivedIndexOpener(options, logger);
    }

    /// <summary>The derived indexes that opening had to rebuild.</summary>
    public IReadOnlyList<IndexRebuild> Rebuilds => _opener.Rebuilds;

    /// <summary>How many chunk indexes are open.</summary>
    public int IndexCount => _indexes.Count;

    /// <summary>Opens every index the database knows, rebuilding a derived index that does not reflect the database.</summary>
    public static EmbeddedChunkStore Open(EmbeddedDatabase database, EmbeddedStoreOptions options, ILogger logger)
    {
        var store = new EmbeddedChunkStore(database, options, logger);
        try
        {
            using var connection = database.OpenReader();
            foreach (var (name, generation) in ChunkTable.ReadIndexGenerations(connection))
            {
                store._indexes[name] = store._opener.Open(connection, name, generation);
            }

            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    public Task ReplaceDocumentChunksAsync(string tenant, string index, string documentId, IReadOnlyList<ChunkRecord> chunks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        Write(tenant, index, documentId, chunks, cancellationToken);
        return Task.CompletedTask;
    }

    public Task<int> DeleteDocumentChunksAsync(string tenant, string index, string documentId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Write(tenant, index, documentId, [], cancellationToken));

    public Task<IReadOnlyList<ChunkRecord>> GetAsync(string tenant, string index, IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        CheckScope(tenant, index);
        ArgumentNullException.ThrowIfNull(ids);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_table.ReadByIds(tenant, index, ids));
    }

    public Task<IReadOnlyList<ChunkRecord>> GetDocumentChunksAsync(string tenant, string index, string documentId, CancellationToken cancellationToken = default)
    {
        CheckScope(tenant, index);
        ArgumentException.ThrowIfNullOrEmpty(documentId);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_table.ReadDocument(tenant, index, documentId));
    }

    public Task<IReadOnlyList<ScoredChunk>> VectorSearchAsync(ReadOnlyMemory<float> vector, ChunkFilter filter, int top, CancellationToken cancellationToken = default)
    {
        CheckSearch(filter, top);
        if (vector.IsEmpty)
        {
            throw new ArgumentException("The query vector is empty.", nameof(vector));
        }

        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Search(filter, indexes => indexes.Vectors.Search(vector.Span, filter, top)));
    }

    public Task<IReadOnlyList<ScoredChunk>> KeywordSearchAsync(string query, ChunkFilter filter, int top, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        CheckSearch(filter, top);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Search(filter, indexes => indexes.Keyword.Search(query, filter, top)));
    }

    public Task<long> CountAsync(string tenant, string index, CancellationToken cancellationToken = default)
    {
        CheckScope(tenant, index);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_table.Count(tenant, index));
    }

    /// <summary>
    /// Persists every index with unpersisted writes: the Lucene commit and the USearch graph, each recording the
    /// generation it reflects. Searches continue meanwhile; writes wait.
    /// </summary>
    public void Persist()
    {
        _lock.EnterUpgradeableReadLock();
        try
        {
            if (_closed)
            {
                return;
            }

            foreach (var indexes in _indexes.Values.Where(i => i.Dirty))
            {
                try
                {
                    indexes.Persist();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or Cloud.Unum.USearch.USearchException)
                {
                    _logger.PersistFailed(indexes.Name, e);
                }
            }
        }
        finally
        {
            _lock.ExitUpgradeableReadLock();
        }
    }

    /// <summary>Does nothing: <see cref="EmbeddedStore"/> owns this store and closes it.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Does nothing: <see cref="EmbeddedStore"/> owns this store and closes it.</summary>
    void IDisposable.Dispose()
    {
    }

    /// <summary>Persists what changed and releases the indexes; called once by the owning store.</summary>
    public void Close()
    {
        Persist();
        _lock.EnterWriteLock();
        try
        {
            _closed = true;
            DisposeIndexes();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private void Dispose()
    {
        DisposeIndexes();
        _lock.Dispose();
    }

    private void DisposeIndexes()
    {
        foreach (var indexes in _indexes.Values)
        {
            indexes.Dispose();
        }

        _indexes.Clear();
    }

    private int Write(string tenant, string index, string documentId, IReadOnlyList<ChunkRecord> chunks, CancellationToken cancellationToken)
    {
        CheckScope(tenant, index);
        ArgumentException.ThrowIfNullOrEmpty(documentId);
        var dimension = CheckChunks(tenant, index, documentId, chunks);
        cancellationToken.ThrowIfCancellationRequested();

        var titles = chunks.Select(KeywordAnalysis.Title).ToArray();
        var units = chunks.Select(c => c.Vector.IsEmpty ? null : VectorIndex.Normalised(c.Vector.Span)).ToArray();

        _lock.EnterWriteLock();
        try
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (!_indexes.TryGetValue(index, out var indexes))
            {
                if (chunks.Count == 0)
                {
                    return 0;
                }

                indexes = CreateIndex(index);
            }

            if (dimension > 0)
            {
                indexes.Vectors.EnsureDimension(dimension);
            }

            var (removed, rowIds, generation) = _table.ReplaceDocument(tenant, index, documentId, chunks);
            if (removed == 0 && chunks.Count == 0)
            {
                return 0;
            }

            var keyword = new List<KeywordChunk>(chunks.Count);
            var vectors = new List<VectorEntry>(chunks.Count);
            for (var i = 0; i < chunks.Count; i++)
            {
                keyword.Add(new KeywordChunk(rowIds[i], tenant, documentId, titles[i], chunks[i].Text, chunks[i].Tags));
                if (units[i] is { } unit)
                {
                    vectors.Add(new VectorEntry(rowIds[i], tenant, documentId, chunks[i].Tags.ToArray(), unit));
                }
            }

            indexes.Keyword.ReplaceDocument(tenant, documentId, keyword);
            indexes.Vectors.ReplaceDocument(tenant, documentId, vectors);
            indexes.Generation = generation;
            indexes.Dirty = true;
            return removed;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private IReadOnlyList<ScoredChunk> Search(ChunkFilter filter, Func<DerivedIndexes, IReadOnlyList<(long RowId, float Score)>> rank)
    {
        _lock.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (!_indexes.TryGetValue(filter.Index, out var indexes))
            {
                return [];
            }

            var hits = rank(indexes);
            if (hits.Count == 0)
            {
                return [];
            }

            var rows = _table.ReadByRowIds(hits.Select(h => h.RowId).ToList());
            var results = new List<ScoredChunk>(hits.Count);
            foreach (var (rowId, score) in hits)
            {
                // A hit's row always exists: rows change only under the exclusive lock, together with both indexes.
                if (rows.TryGetValue(rowId, out var chunk) && chunk.Tenant == filter.Tenant)
                {
                    results.Add(new ScoredChunk(chunk, score));
                }
            }

            return results;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private DerivedIndexes CreateIndex(string index)
    {
        using var connection = _database.OpenReader();
        var indexes = _opener.Open(connection, index, generation: 0);
        _indexes[index] = indexes;
        return indexes;
    }
}
