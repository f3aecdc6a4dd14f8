using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RagStack.Conversations;
using RagStack.Documents;
using RagStack.Storage.Embedded.Blobs;
using RagStack.Storage.Embedded.Chunks;
using RagStack.Storage.Embedded.Conversations;
using RagStack.Storage.Embedded.Database;
using RagStack.Storage.Embedded.Documents;
using RagStack.Storage.Embedded.Ingestion;
using RagStack.Ingestion;

namespace RagStack.Storage.Embedded;

/// <summary>
/// The embedded default store: one data folder with <c>ragstack.db</c> (SQLite: documents and chunks, the source of
/// truth, and the conversations), <c>blobs/</c> (original bytes), <c>keyword/</c> (Lucene BM25) and <c>vectors/</c> (USearch HNSW). The derived
/// indexes are persisted periodically and on dispose; after a crash they are rebuilt from the database on open.
/// </summary>
public sealed class EmbeddedStore : IAsyncDisposable, IDisposable
{
    /// <summary>The SQLite file's name inside the data folder.</summary>
    public const string DatabaseFileName = "ragstack.db";

    private readonly EmbeddedDatabase _database;
    private readonly EmbeddedChunkStore _chunks;
    private readonly ITimer? _persistTimer;
    private readonly Lock _disposeGate = new();
    private bool _disposed;

    private EmbeddedStore(EmbeddedDatabase database, EmbeddedChunkStore chunks, FileBlobStore blobs, EmbeddedStoreOptions options, TimeProvider time)
    {
        _database = database;
        _chunks = chunks;
        Documents = new SqliteDocumentCatalog(database);
        IngestionQueue = new SqliteIngestionQueue(database, time);
        Conversations = new SqliteConversationStore(database);
        Blobs = blobs;
        if (options.PersistInterval > TimeSpan.Zero)
        {
            _persistTimer = time.CreateTimer(_ => _chunks.Persist(), null, options.PersistInterval, options.PersistInterval);
        }
    }

    /// <summary>The document catalog.</summary>
    public IDocumentCatalog Documents { get; }

    /// <summary>The durable ingestion queue, in the same database as the documents it feeds.</summary>
    public IIngestionQueue IngestionQueue { get; }

    /// <summary>The conversations of every tenant, in the same database.</summary>
    public IConversationStore Conversations { get; }

    /// <summary>The chunks with their keyword and vector indexes. Owned by this store: disposing it alone does nothing.</summary>
    public IChunkStore Chunks => _chunks;

    /// <summary>The original document bytes, content-addressed by SHA-256.</summary>
    public IBlobStore Blobs { get; }

    /// <summary>The derived indexes that opening found missing, stale or unreadable and rebuilt.</summary>
    internal IReadOnlyList<IndexRebuild> Rebuilds => _chunks.Rebuilds;

    /// <summary>Opens (or creates) the store in <see cref="EmbeddedStoreOptions.DataDirectory"/>.</summary>
    public static Task<EmbeddedStore> OpenAsync(EmbeddedStoreOptions options, CancellationToken ct = default) =>
        OpenAsync(options, NullLoggerFactory.Instance, ct);

    /// <summary>Opens (or creates) the store, logging index rebuilds through <paramref name="loggerFactory"/>.</summary>
    public static Task<EmbeddedStore> OpenAsync(EmbeddedStoreOptions options, ILoggerFactory loggerFactory, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        new EmbeddedStoreOptionsValidator().ThrowIfInvalid(options);
        // Opening may rebuild indexes from the database (seconds for large ones); keep it off the caller's thread.
        return Task.Run(() => Open(options, loggerFactory, TimeProvider.System), ct);
    }

    /// <summary>Opens the store synchronously: for the DI container, which cannot await, and validated the options at start.</summary>
    internal static EmbeddedStore Open(EmbeddedStoreOptions options, ILoggerFactory loggerFactory, TimeProvider time)
    {
        var logger = loggerFactory.CreateLogger<EmbeddedStore>();
        var stopwatch = Stopwatch.StartNew();
        Directory.CreateDirectory(options.DataDirectory);
        var database = new EmbeddedDatabase(Path.Combine(options.DataDirectory, DatabaseFileName));
        try
        {
            var blobs = new FileBlobStore(Path.Combine(options.DataDirectory, "blobs"));
            var chunks = EmbeddedChunkStore.Open(database, options, logger);
            logger.Opened(options.DataDirectory, chunks.IndexCount, stopwatch.ElapsedMilliseconds);
            return new EmbeddedStore(database, chunks, blobs, options, time);
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    /// <summary>Persists the derived indexes now (they are also persisted periodically and on dispose).</summary>
    public void Persist()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _chunks.Persist();
    }

    /// <summary>Persists the derived indexes and closes every file.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_persistTimer is not null)
        {
            await _persistTimer.DisposeAsync();
        }

        Dispose();
    }

    /// <summary>Persists the derived indexes and closes every file.</summary>
    public void Dispose()
    {
        lock (_disposeGate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _persistTimer?.Dispose();
        _chunks.Close();
        _database.Dispose();
    }
}
