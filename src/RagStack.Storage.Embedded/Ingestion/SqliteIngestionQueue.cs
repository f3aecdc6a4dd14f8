using System.Globalization;
using Microsoft.Data.Sqlite;
using RagStack.Documents;
using RagStack.Ingestion;
using RagStack.Storage.Embedded.Database;
using RagStack.Storage.Embedded.Documents;

namespace RagStack.Storage.Embedded.Ingestion;

/// <summary>
/// The ingestion queue in the <c>ingestion_jobs</c> table of <c>ragstack.db</c>, beside the documents it feeds, so a
/// document and its job are recorded in one transaction.
/// </summary>
internal sealed class SqliteIngestionQueue(EmbeddedDatabase database, TimeProvider time) : IIngestionQueue
{
    private const string Waiting = "waiting";
    private const string Running = "running";
    private const string Columns = "id, tenant, index_name, document_id, name, content_hash, previous_hash, tags, attempts, enqueued_at";

    public Task<IReadOnlyList<IngestionJob>> EnqueueAsync(IReadOnlyList<DocumentRecord> documents, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        cancellationToken.ThrowIfCancellationRequested();
        var now = time.GetUtcNow();
        var jobs = new List<IngestionJob>(documents.Count);
        lock (database.WriteGate)
        {
            using var transaction = database.Writer.BeginTransaction();
            foreach (var document in documents)
            {
                ArgumentException.ThrowIfNullOrEmpty(document.Tenant, nameof(documents));
                ArgumentException.ThrowIfNullOrEmpty(document.Id, nameof(documents));
                var previous = ContentHashOf(transaction, document.Tenant, document.Id);
                using (var drop = Command(transaction, "DELETE FROM ingestion_jobs WHERE tenant = $tenant AND document_id = $document AND state = 'waiting';"))
                {
                    drop.Parameters.AddWithValue("$tenant", document.Tenant);
                    drop.Parameters.AddWithValue("$document", document.Id);
                    drop.ExecuteNonQuery();
                }

                SqliteDocumentCatalog.Write(database.Writer, transaction, document with { Status = DocumentStatus.Queued });
                using var insert = Command(transaction, """
                    INSERT INTO ingestion_jobs (tenant, index_name, document_id, name, content_hash, previous_hash, tags, state, attempts, enqueued_at)
                    VALUES ($tenant, $index, $document, $name, $hash, $previous, $tags, 'waiting', 0, $at)
                    RETURNING id;
                    """);
                var p = insert.Parameters;
                p.AddWithValue("$tenant", document.Tenant);
                p.AddWithValue("$index", document.Index);
                p.AddWithValue("$document", document.Id);
                p.AddWithValue("$name", document.Name);
                p.AddWithValue("$hash", document.ContentHash);
                p.AddWithValue("$previous", previous is not null && previous != document.ContentHash ? previous : DBNull.Value);
                p.AddWithValue("$tags", JsonColumn.Write(document.Tags));
                p.AddWithValue("$at", now.ToString("O", CultureInfo.InvariantCulture));
                var id = Convert.ToInt64(insert.ExecuteScalar(), CultureInfo.InvariantCulture);
                jobs.Add(new IngestionJob
                {
                    Id = id,
                    Tenant = document.Tenant,
                    Index = document.Index,
                    DocumentId = document.Id,
                    Name = document.Name,
                    ContentHash = document.ContentHash,
                    PreviousContentHash = previous is not null && previous != document.ContentHash ? previous : null,
                    Tags = document.Tags,
                    EnqueuedAt = now,
                });
            }

            transaction.Commit();
        }

        return Task.FromResult<IReadOnlyList<IngestionJob>>(jobs);
    }

    public Task<IReadOnlyList<IngestionJob>> TakeAsync(int max, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        cancellationToken.ThrowIfCancellationRequested();
        lock (database.WriteGate)
        {
            using var transaction = database.Writer.BeginTransaction();
            using var take = Command(transaction, $"""
                UPDATE ingestion_jobs SET state = 'running', attempts = attempts + 1
                WHERE id IN (SELECT id FROM ingestion_jobs WHERE state = 'waiting' ORDER BY id LIMIT $max)
                RETURNING {Columns};
                """);
            take.Parameters.AddWithValue("$max", max);
            var jobs = new List<IngestionJob>();
            using (var reader = take.ExecuteReader())
            {
                while (reader.Read())
                {
                    jobs.Add(Read(reader));
                }
            }

            transaction.Commit();
            jobs.Sort((a, b) => a.Id.CompareTo(b.Id));
            return Task.FromResult<IReadOnlyList<IngestionJob>>(jobs);
        }
    }

    public Task CompleteAsync(long jobId, CancellationToken cancellationToken = default)
    {
        lock (database.WriteGate)
        {
            using var command = Command(null, "DELETE FROM ingestion_jobs WHERE id = $id;");
            command.Parameters.AddWithValue("$id", jobId);
            command.ExecuteNonQuery();
        }

        return Task.CompletedTask;
    }

    public Task<int> RequeueInterruptedAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (database.WriteGate)
        {
            using var command = Command(null, $"UPDATE ingestion_jobs SET state = '{Waiting}' WHERE state = '{Running}';");
            return Task.FromResult(command.ExecuteNonQuery());
        }
    }

    public Task<int> CancelAsync(string tenant, string documentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        ArgumentException.ThrowIfNullOrEmpty(documentId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (database.WriteGate)
        {
            using var command = Command(null, "DELETE FROM ingestion_jobs WHERE tenant = $tenant AND document_id = $document;");
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$document", documentId);
            return Task.FromResult(command.ExecuteNonQuery());
        }
    }

    public Task<bool> IsContentQueuedAsync(string contentHash, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(contentHash);
        using var connection = database.OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT EXISTS (SELECT 1 FROM ingestion_jobs WHERE content_hash = $hash);";
        command.Parameters.AddWithValue("$hash", contentHash);
        return Task.FromResult(Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) != 0);
    }

    public Task<int> CountAsync(CancellationToken cancellationToken = default)
    {
        using var connection = database.OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM ingestion_jobs;";
        return Task.FromResult(Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture));
    }

    private string? ContentHashOf(SqliteTransaction transaction, string tenant, string documentId)
    {
        using var command = Command(transaction, "SELECT content_hash FROM documents WHERE tenant = $tenant AND id = $id;");
        command.Parameters.AddWithValue("$tenant", tenant);
        command.Parameters.AddWithValue("$id", documentId);
        return command.ExecuteScalar() as string;
    }

    private SqliteCommand Command(SqliteTransaction? transaction, string sql)
    {
        var command = database.Writer.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static IngestionJob Read(SqliteDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        Tenant = reader.GetString(1),
        Index = reader.GetString(2),
        DocumentId = reader.GetString(3),
        Name = reader.GetString(4),
        ContentHash = reader.GetString(5),
        PreviousContentHash = reader.IsDBNull(6) ? null : reader.GetString(6),
        Tags = JsonColumn.Read(reader.GetString(7)),
        Attempts = reader.GetInt32(8),
        EnqueuedAt = DateTimeOffset.Parse(reader.GetString(9), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
    };
}
