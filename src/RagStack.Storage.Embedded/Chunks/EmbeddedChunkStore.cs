using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using RagStack.Chunks;
using RagStack.Storage.Embedded.Database;
using RagStack.Storage.Embedded.Keyword;
using RagStack.Storage.Embedded.Vectors;

namespace RagStack.Storage.Embedded.Chunks;

/// <summary>
/// Chunks in SQLite (the truth) with a Lucene BM25 index and a USearch HNSW graph per chunk index, derived from it.
/// A write holds the exclusive lock across its SQLite transaction and both index updates, so a search (shared lock)
/// sees a document's old chunks or its new ones, never a mix. Persisting takes the upgradeable lock: searches go on,
/// writes wait. Owned by <see cref="EmbeddedStore"/>; disposing this view does nothing.
/// </summary>
internal sealed class EmbeddedChunkStore : IChunkStore, IDisposable
{
    private readonly EmbeddedDatabase _database;
    private readonly EmbeddedStoreOptions _options;
    private readonly ILogger _logger;
    private readonly string _keywordRoot;
    private readonly string _vectorRoot;
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<string, DerivedIndexes> _indexes = new(StringComparer.Ordinal);
    private readonly List<IndexRebuild> _rebuilds = [];
    private bool _closed;

    private EmbeddedChunkStore(EmbeddedDatabase database, EmbeddedStoreOptions options, ILogger logger)
    {
        _database = database;
        _options = options;
        _logger = logger;
        _keywordRoot = Path.Combine(options.DataDirectory, "keyword");
        _vectorRoot = Path.Combine(options.DataDirectory, "vectors");
        Directory.CreateDirectory(_keywordRoot);
        Directory.CreateDirectory(_vectorRoot);
    }

    /// <summary>The derived indexes that opening had to rebuild.</summary>
    public IReadOnlyList<IndexRebuild> Rebuilds => _rebuilds;

    /// <summary>How many chunk indexes are open.</summary>
    public int IndexCount => _indexes.Count;

    /// <summary>Opens every index the database knows, rebuilding a derived index that does not reflect the database.</summary>
    public static EmbeddedChunkStore Open(EmbeddedDatabase database, EmbeddedStoreOptions options, ILogger logger)
    {
        var store = new EmbeddedChunkStore(database, options, logger);
        try
        {
            using var connection = database.OpenReader();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT index_name, generation FROM index_state ORDER BY index_name;";
            var known = new List<(string Name, long Generation)>();
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    known.Add((reader.GetString(0), reader.GetInt64(1)));
                }
            }

            foreach (var (name, generation) in known)
            {
                store._indexes[name] = store.OpenIndex(connection, name, generation);
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
        ValidateScope(tenant, index);
        ArgumentNullException.ThrowIfNull(ids);
        cancellationToken.ThrowIfCancellationRequested();
        var found = new Dictionary<string, ChunkRecord>(StringComparer.Ordinal);
        using var connection = _database.OpenReader();
        foreach (var batch in ids.Distinct(StringComparer.Ordinal).Chunk(ChunkRows.MaxParametersPerQuery))
        {
            using var command = connection.CreateCommand();
            var names = new string[batch.Length];
            for (var i = 0; i < batch.Length; i++)
            {
                names[i] = "$id" + i.ToString(CultureInfo.InvariantCulture);
                command.Parameters.AddWithValue(names[i], batch[i]);
            }

            command.CommandText = $"SELECT {ChunkRows.Columns} FROM chunks WHERE tenant = $tenant AND index_name = $index AND id IN ({string.Join(',', names)});";
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$index", index);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var chunk = ChunkRows.Read(reader).Chunk;
                found[chunk.Id] = chunk;
            }
        }

        IReadOnlyList<ChunkRecord> ordered = ids.Where(found.ContainsKey).Select(id => found[id]).ToList();
        return Task.FromResult(ordered);
    }

    public Task<IReadOnlyList<ChunkRecord>> GetDocumentChunksAsync(string tenant, string index, string documentId, CancellationToken cancellationToken = default)
    {
        ValidateScope(tenant, index);
        ArgumentException.ThrowIfNullOrEmpty(documentId);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = _database.OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {ChunkRows.Columns} FROM chunks WHERE tenant = $tenant AND index_name = $index AND document_id = $document ORDER BY position, row_id;";
        command.Parameters.AddWithValue("$tenant", tenant);
        command.Parameters.AddWithValue("$index", index);
        command.Parameters.AddWithValue("$document", documentId);
        using var reader = command.ExecuteReader();
        var chunks = new List<ChunkRecord>();
        while (reader.Read())
        {
            chunks.Add(ChunkRows.Read(reader).Chunk);
        }

        return Task.FromResult<IReadOnlyList<ChunkRecord>>(chunks);
    }

    public Task<IReadOnlyList<ScoredChunk>> VectorSearchAsync(ReadOnlyMemory<float> vector, ChunkFilter filter, int top, CancellationToken cancellationToken = default)
    {
        ValidateSearch(filter, top);
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
        ValidateSearch(filter, top);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Search(filter, indexes => indexes.Keyword.Search(query, filter, top)));
    }

    public Task<long> CountAsync(string tenant, string index, CancellationToken cancellationToken = default)
    {
        ValidateScope(tenant, index);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = _database.OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM chunks WHERE tenant = $tenant AND index_name = $index;";
        command.Parameters.AddWithValue("$tenant", tenant);
        command.Parameters.AddWithValue("$index", index);
        return Task.FromResult((long)command.ExecuteScalar()!);
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
                    PersistIndex(indexes);
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
        ValidateScope(tenant, index);
        ArgumentException.ThrowIfNullOrEmpty(documentId);
        var dimension = ValidateChunks(tenant, index, documentId, chunks);
        cancellationToken.ThrowIfCancellationRequested();

        var titles = chunks.Select(TitleOf).ToArray();
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

            var (removed, rowIds, generation) = WriteRows(tenant, index, documentId, chunks);
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

    /// <summary>One SQLite transaction: the document's old rows out, the new rows in, the generation bumped.</summary>
    private (int Removed, long[] RowIds, long Generation) WriteRows(string tenant, string index, string documentId, IReadOnlyList<ChunkRecord> chunks)
    {
        lock (_database.WriteGate)
        {
            var connection = _database.Writer;
            using var transaction = connection.BeginTransaction();
            int removed;
            using (var delete = connection.CreateCommand())
            {
                delete.Transaction = transaction;
                delete.CommandText = "DELETE FROM chunks WHERE tenant = $tenant AND index_name = $index AND document_id = $document;";
                delete.Parameters.AddWithValue("$tenant", tenant);
                delete.Parameters.AddWithValue("$index", index);
                delete.Parameters.AddWithValue("$document", documentId);
                removed = delete.ExecuteNonQuery();
            }

            if (removed == 0 && chunks.Count == 0)
            {
                return (0, [], 0);
            }

            var rowIds = new long[chunks.Count];
            for (var i = 0; i < chunks.Count; i++)
            {
                try
                {
                    rowIds[i] = ChunkRows.Insert(connection, transaction, chunks[i]);
                }
                catch (SqliteException e) when (e.SqliteErrorCode == 19)
                {
                    throw new InvalidOperationException(
                        $"Chunk id '{chunks[i].Id}' already belongs to another document of tenant '{tenant}' in index '{index}'; chunk ids must be unique within an index.", e);
                }
            }

            long generation;
            using (var bump = connection.CreateCommand())
            {
                bump.Transaction = transaction;
                bump.CommandText = """
                    UPDATE store_state SET value = value + 1 WHERE key = 'generation' RETURNING value;
                    """;
                generation = (long)bump.ExecuteScalar()!;
            }

            using (var state = connection.CreateCommand())
            {
                state.Transaction = transaction;
                state.CommandText = "INSERT INTO index_state (index_name, generation) VALUES ($index, $generation) ON CONFLICT (index_name) DO UPDATE SET generation = excluded.generation;";
                state.Parameters.AddWithValue("$index", index);
                state.Parameters.AddWithValue("$generation", generation);
                state.ExecuteNonQuery();
            }

            transaction.Commit();
            return (removed, rowIds, generation);
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

            using var connection = _database.OpenReader();
            var rows = ChunkRows.ReadByRowIds(connection, hits.Select(h => h.RowId).ToList());
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
        var indexes = OpenIndex(connection, index, generation: 0);
        _indexes[index] = indexes;
        return indexes;
    }

    /// <summary>Opens both derived indexes of one index and rebuilds each one that does not reflect <paramref name="generation"/>.</summary>
    private DerivedIndexes OpenIndex(SqliteConnection connection, string index, long generation)
    {
        var folder = DerivedIndexes.FolderName(index);
        var keyword = KeywordIndex.Open(Path.Combine(_keywordRoot, folder), KeywordScoring.From(_options), out var keywordProblem);
        var vectors = new VectorIndex(index, _options);
        var indexes = new DerivedIndexes(index, keyword, vectors, Path.Combine(_vectorRoot, folder + ".usearch")) { Generation = generation };
        try
        {
            var stopwatch = Stopwatch.StartNew();
            var chunkCount = 0;
            keywordProblem ??= keyword.CommittedGeneration == generation || (generation == 0 && keyword.CommittedGeneration is null)
                ? null
                : keyword.CommittedGeneration is null
                    ? "no Lucene commit"
                    : $"the Lucene commit reflects generation {keyword.CommittedGeneration}, the database is at {generation}";
            if (keywordProblem is not null)
            {
                RecordRebuild(index, "keyword", keywordProblem);
                keyword.Clear();
            }

            // One pass over the rows fills the in-memory vectors and, when needed, the keyword index.
            var rows = new List<KeywordChunk>(1024);
            foreach (var (rowId, chunk) in ReadIndexRows(connection, index))
            {
                chunkCount++;
                if (!chunk.Vector.IsEmpty)
                {
                    vectors.Load(new VectorEntry(rowId, chunk.Tenant, chunk.DocumentId, chunk.Tags, VectorIndex.Normalised(chunk.Vector.Span)));
                }

                if (keywordProblem is not null)
                {
                    rows.Add(new KeywordChunk(rowId, chunk.Tenant, chunk.DocumentId, TitleOf(chunk), chunk.Text, chunk.Tags));
                    if (rows.Count == rows.Capacity)
                    {
                        keyword.Add(rows);
                        rows.Clear();
                    }
                }
            }

            if (keywordProblem is not null)
            {
                keyword.Add(rows);
                keyword.Commit(generation);
                _logger.RebuiltIndex(index, "keyword", chunkCount, stopwatch.ElapsedMilliseconds);
            }

            stopwatch.Restart();
            if (!vectors.TryLoadGraph(indexes.GraphPath, generation, out var vectorProblem))
            {
                RecordRebuild(index, "vector", vectorProblem!);
                vectors.BuildGraph();
                vectors.SaveGraph(indexes.GraphPath, generation);
                _logger.RebuiltIndex(index, "vector", vectors.Count, stopwatch.ElapsedMilliseconds);
            }

            return indexes;
        }
        catch
        {
            indexes.Dispose();
            throw;
        }
    }

    private IEnumerable<(long RowId, ChunkRecord Chunk)> ReadIndexRows(SqliteConnection connection, string index)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {ChunkRows.Columns} FROM chunks WHERE index_name = $index ORDER BY row_id;";
        command.Parameters.AddWithValue("$index", index);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return ChunkRows.Read(reader);
        }
    }

    private void PersistIndex(DerivedIndexes indexes)
    {
        indexes.Keyword.Commit(indexes.Generation);
        indexes.Vectors.SaveGraph(indexes.GraphPath, indexes.Generation);
        indexes.Dirty = false;
    }

    private void RecordRebuild(string index, string component, string reason)
    {
        _rebuilds.Add(new IndexRebuild(index, component, reason));
        _logger.RebuildingIndex(index, component, reason);
    }

    /// <summary>The second keyword field: where the chunk sits (section path) and which document it is from.</summary>
    private static string TitleOf(ChunkRecord chunk) =>
        chunk.SectionPath.Count == 0 ? chunk.DocumentName : string.Join(" › ", chunk.SectionPath) + " · " + chunk.DocumentName;

    private static void ValidateScope(string tenant, string index)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        ArgumentException.ThrowIfNullOrEmpty(index);
    }

    private static void ValidateSearch(ChunkFilter filter, int top)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentException.ThrowIfNullOrEmpty(filter.Tenant, nameof(filter));
        ArgumentException.ThrowIfNullOrEmpty(filter.Index, nameof(filter));
        ArgumentOutOfRangeException.ThrowIfNegative(top);
    }

    /// <summary>Checks that every chunk belongs where it is written; returns the vectors' common dimension (0 when none has one).</summary>
    private static int ValidateChunks(string tenant, string index, string documentId, IReadOnlyList<ChunkRecord> chunks)
    {
        var dimension = 0;
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in chunks)
        {
            ArgumentNullException.ThrowIfNull(chunk, nameof(chunks));
            if (chunk.Tenant != tenant || chunk.Index != index || chunk.DocumentId != documentId)
            {
                throw new ArgumentException(
                    $"Chunk '{chunk.Id}' belongs to tenant '{chunk.Tenant}', index '{chunk.Index}', document '{chunk.DocumentId}', not to tenant '{tenant}', index '{index}', document '{documentId}' that is being written.",
                    nameof(chunks));
            }

            if (!ids.Add(chunk.Id))
            {
                throw new ArgumentException($"Chunk id '{chunk.Id}' appears twice in one document.", nameof(chunks));
            }

            if (chunk.Vector.IsEmpty)
            {
                continue;
            }

            if (dimension != 0 && chunk.Vector.Length != dimension)
            {
                throw new VectorDimensionMismatchException(index, dimension, chunk.Vector.Length);
            }

            dimension = chunk.Vector.Length;
        }

        return dimension;
    }
}
