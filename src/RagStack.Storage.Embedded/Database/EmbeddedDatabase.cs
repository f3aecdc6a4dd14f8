using Microsoft.Data.Sqlite;

namespace RagStack.Storage.Embedded.Database;

/// <summary>
/// The SQLite file that is the source of truth: documents, chunks (text, metadata, vector), the write generation, the
/// ingestion queue and the conversations.
/// One connection writes, under <see cref="WriteGate"/>; reads take pooled connections, which WAL lets run beside the writer.
/// </summary>
internal sealed class EmbeddedDatabase : IDisposable
{
    /// <summary>The schema this code reads and writes, kept in <c>PRAGMA user_version</c>.</summary>
    public const int SchemaVersion = 3;

    private readonly string _connectionString;
    private readonly SqliteConnection _writer;

    public EmbeddedDatabase(string path)
    {
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _writer = new SqliteConnection(_connectionString);
        _writer.Open();
        // WAL lets searches read while one writer writes. synchronous=NORMAL: in WAL mode a commit survives a killed
        // process (the WAL is written before the commit returns) and the file is never corrupted; only a power loss or
        // OS crash may drop the last commits, and then the derived indexes see an unknown generation and are rebuilt.
        // FULL would add an fsync to every commit for that case alone.
        Execute(_writer, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
        Migrate();
    }

    /// <summary>Held while using <see cref="Writer"/>; SQLite allows one writer at a time anyway.</summary>
    public Lock WriteGate { get; } = new();

    /// <summary>The one write connection; use it only while holding <see cref="WriteGate"/>.</summary>
    public SqliteConnection Writer => _writer;

    /// <summary>Opens a pooled connection for reading.</summary>
    public SqliteConnection OpenReader()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    public static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        lock (WriteGate)
        {
            _writer.Dispose();
        }

        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
    }

    private void Migrate()
    {
        lock (WriteGate)
        {
            using var read = _writer.CreateCommand();
            read.CommandText = "PRAGMA user_version;";
            var version = Convert.ToInt32(read.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            if (version > SchemaVersion)
            {
                throw new InvalidOperationException(
                    $"The data folder's database has schema version {version}, newer than this RagStack understands ({SchemaVersion}); upgrade RagStack.");
            }

            using var transaction = _writer.BeginTransaction();
            if (version < 1)
            {
                Execute(_writer, """
                    CREATE TABLE documents (
                        tenant          TEXT    NOT NULL,
                        id              TEXT    NOT NULL,
                        index_name      TEXT    NOT NULL,
                        name            TEXT    NOT NULL,
                        content_hash    TEXT    NOT NULL,
                        content_type    TEXT    NOT NULL,
                        size_bytes      INTEGER NOT NULL,
                        tags            TEXT    NOT NULL,
                        status          TEXT    NOT NULL,
                        completed_step  TEXT,
                        failed_step     TEXT,
                        error           TEXT,
                        chunk_count     INTEGER NOT NULL,
                        page_count      INTEGER,
                        created_at      TEXT    NOT NULL,
                        updated_at      TEXT    NOT NULL,
                        PRIMARY KEY (tenant, id)
                    );
                    CREATE INDEX documents_by_index ON documents (tenant, index_name, name);
                    CREATE INDEX documents_by_content ON documents (content_hash);

                    -- row_id never reuses a value (AUTOINCREMENT), so it can key the derived indexes without a stale hit
                    -- ever pointing at a newer chunk.
                    CREATE TABLE chunks (
                        row_id          INTEGER PRIMARY KEY AUTOINCREMENT,
                        tenant          TEXT    NOT NULL,
                        index_name      TEXT    NOT NULL,
                        document_id     TEXT    NOT NULL,
                        id              TEXT    NOT NULL,
                        document_name   TEXT    NOT NULL,
                        position        INTEGER NOT NULL,
                        text            TEXT    NOT NULL,
                        page            INTEGER,
                        section_path    TEXT    NOT NULL,
                        start_offset    INTEGER NOT NULL,
                        end_offset      INTEGER NOT NULL,
                        tags            TEXT    NOT NULL,
                        vector          BLOB
                    );
                    CREATE UNIQUE INDEX chunks_by_id ON chunks (tenant, index_name, id);
                    CREATE INDEX chunks_by_document ON chunks (tenant, index_name, document_id, position);
                    CREATE INDEX chunks_by_index ON chunks (index_name);

                    -- generation: bumped by every chunk write, in the same transaction. Each index remembers the
                    -- generation of its last write; a derived index that reflects another generation is rebuilt.
                    CREATE TABLE store_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
                    INSERT INTO store_state (key, value) VALUES ('generation', 0);
                    CREATE TABLE index_state (index_name TEXT PRIMARY KEY, generation INTEGER NOT NULL);
                    """, transaction);
            }

            if (version < 2)
            {
                Execute(_writer, """
                    -- The durable ingestion queue: a row lives from the upload that accepted the document until the
                    -- pipeline has run it; 'running' rows found at start were interrupted and run again.
                    CREATE TABLE ingestion_jobs (
                        id              INTEGER PRIMARY KEY AUTOINCREMENT,
                        tenant          TEXT    NOT NULL,
                        index_name      TEXT    NOT NULL,
                        document_id     TEXT    NOT NULL,
                        name            TEXT    NOT NULL,
                        content_hash    TEXT    NOT NULL,
                        previous_hash   TEXT,
                        tags            TEXT    NOT NULL,
                        state           TEXT    NOT NULL,
                        attempts        INTEGER NOT NULL,
                        enqueued_at     TEXT    NOT NULL
                    );
                    CREATE INDEX ingestion_jobs_by_document ON ingestion_jobs (tenant, document_id);
                    CREATE INDEX ingestion_jobs_by_content ON ingestion_jobs (content_hash);
                    """, transaction);
            }

            if (version < 3)
            {
                Execute(_writer, """
                    -- Pipeline progress a portal shows: chunks embedded so far, and the pages extraction found no text on.
                    ALTER TABLE documents ADD COLUMN chunks_embedded INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE documents ADD COLUMN pages_without_text TEXT NOT NULL DEFAULT '[]';

                    CREATE TABLE conversations (
                        tenant          TEXT    NOT NULL,
                        id              TEXT    NOT NULL,
                        title           TEXT    NOT NULL,
                        index_name      TEXT,
                        domain          TEXT,
                        created_at      TEXT    NOT NULL,
                        updated_at      TEXT    NOT NULL,
                        PRIMARY KEY (tenant, id)
                    );
                    CREATE INDEX conversations_by_update ON conversations (tenant, updated_at);

                    -- seq orders the messages of a conversation; body is the message as JSON (parts, sources, error).
                    CREATE TABLE conversation_messages (
                        seq             INTEGER PRIMARY KEY AUTOINCREMENT,
                        tenant          TEXT    NOT NULL,
                        conversation_id TEXT    NOT NULL,
                        id              TEXT    NOT NULL,
                        body            TEXT    NOT NULL
                    );
                    CREATE INDEX conversation_messages_by_conversation ON conversation_messages (tenant, conversation_id, seq);
                    """, transaction);
            }

            Execute(_writer, $"PRAGMA user_version = {SchemaVersion};", transaction);
            transaction.Commit();
        }
    }
}
