using System.Globalization;
using Microsoft.Data.Sqlite;
using RagStack.Documents;
using RagStack.Storage.Embedded.Database;

namespace RagStack.Storage.Embedded.Documents;

/// <summary>The document catalog in the <c>documents</c> table of <c>ragstack.db</c>.</summary>
internal sealed class SqliteDocumentCatalog(EmbeddedDatabase database) : IDocumentCatalog
{
    private const string Columns =
        "tenant, id, index_name, name, content_hash, content_type, size_bytes, tags, status, completed_step, failed_step, error, chunk_count, page_count, created_at, updated_at, chunks_embedded, pages_without_text";

    public Task<DocumentRecord?> GetAsync(string tenant, string documentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        ArgumentException.ThrowIfNullOrEmpty(documentId);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM documents WHERE tenant = $tenant AND id = $id;";
        command.Parameters.AddWithValue("$tenant", tenant);
        command.Parameters.AddWithValue("$id", documentId);
        using var reader = command.ExecuteReader();
        return Task.FromResult(reader.Read() ? ReadRecord(reader) : null);
    }

    public Task<IReadOnlyList<DocumentRecord>> ListAsync(string tenant, string? index = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = index is null
            ? $"SELECT {Columns} FROM documents WHERE tenant = $tenant ORDER BY name, id;"
            : $"SELECT {Columns} FROM documents WHERE tenant = $tenant AND index_name = $index ORDER BY name, id;";
        command.Parameters.AddWithValue("$tenant", tenant);
        if (index is not null)
        {
            command.Parameters.AddWithValue("$index", index);
        }

        using var reader = command.ExecuteReader();
        var records = new List<DocumentRecord>();
        while (reader.Read())
        {
            records.Add(ReadRecord(reader));
        }

        return Task.FromResult<IReadOnlyList<DocumentRecord>>(records);
    }

    public Task UpsertAsync(DocumentRecord document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentException.ThrowIfNullOrEmpty(document.Tenant, nameof(document));
        ArgumentException.ThrowIfNullOrEmpty(document.Id, nameof(document));
        ArgumentException.ThrowIfNullOrEmpty(document.Index, nameof(document));
        cancellationToken.ThrowIfCancellationRequested();
        lock (database.WriteGate)
        {
            Write(database.Writer, null, document);
        }

        return Task.CompletedTask;
    }

    public Task<bool> IsContentReferencedAsync(string contentHash, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(contentHash);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT EXISTS (SELECT 1 FROM documents WHERE content_hash = $hash);";
        command.Parameters.AddWithValue("$hash", contentHash);
        return Task.FromResult(Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) != 0);
    }

    public Task<bool> DeleteAsync(string tenant, string documentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        ArgumentException.ThrowIfNullOrEmpty(documentId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (database.WriteGate)
        {
            using var command = database.Writer.CreateCommand();
            command.CommandText = "DELETE FROM documents WHERE tenant = $tenant AND id = $id;";
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$id", documentId);
            return Task.FromResult(command.ExecuteNonQuery() > 0);
        }
    }

    /// <summary>Inserts or replaces one record on <paramref name="connection"/>, inside <paramref name="transaction"/> when given.</summary>
    internal static void Write(SqliteConnection connection, SqliteTransaction? transaction, DocumentRecord document)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            INSERT OR REPLACE INTO documents ({Columns})
            VALUES ($tenant, $id, $index, $name, $hash, $type, $size, $tags, $status, $completed, $failed, $error, $chunks, $pages, $created, $updated, $embedded, $blank);
            """;
        var p = command.Parameters;
        p.AddWithValue("$tenant", document.Tenant);
        p.AddWithValue("$id", document.Id);
        p.AddWithValue("$index", document.Index);
        p.AddWithValue("$name", document.Name);
        p.AddWithValue("$hash", document.ContentHash);
        p.AddWithValue("$type", document.ContentType);
        p.AddWithValue("$size", document.SizeBytes);
        p.AddWithValue("$tags", JsonColumn.Write(document.Tags));
        p.AddWithValue("$status", document.Status.ToString());
        p.AddWithValue("$completed", (object?)document.CompletedStep ?? DBNull.Value);
        p.AddWithValue("$failed", (object?)document.FailedStep ?? DBNull.Value);
        p.AddWithValue("$error", (object?)document.Error ?? DBNull.Value);
        p.AddWithValue("$chunks", document.ChunkCount);
        p.AddWithValue("$pages", (object?)document.PageCount ?? DBNull.Value);
        p.AddWithValue("$created", document.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
        p.AddWithValue("$updated", document.UpdatedAt.ToString("O", CultureInfo.InvariantCulture));
        p.AddWithValue("$embedded", document.ChunksEmbedded);
        p.AddWithValue("$blank", JsonColumn.WriteNumbers(document.PagesWithoutText));
        command.ExecuteNonQuery();
    }

    private static DocumentRecord ReadRecord(SqliteDataReader reader) => new()
    {
        Tenant = reader.GetString(0),
        Id = reader.GetString(1),
        Index = reader.GetString(2),
        Name = reader.GetString(3),
        ContentHash = reader.GetString(4),
        ContentType = reader.GetString(5),
        SizeBytes = reader.GetInt64(6),
        Tags = JsonColumn.Read(reader.GetString(7)),
        Status = Enum.Parse<DocumentStatus>(reader.GetString(8)),
        CompletedStep = reader.IsDBNull(9) ? null : reader.GetString(9),
        FailedStep = reader.IsDBNull(10) ? null : reader.GetString(10),
        Error = reader.IsDBNull(11) ? null : reader.GetString(11),
        ChunkCount = reader.GetInt32(12),
        PageCount = reader.IsDBNull(13) ? null : reader.GetInt32(13),
        CreatedAt = DateTimeOffset.Parse(reader.GetString(14), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
        UpdatedAt = DateTimeOffset.Parse(reader.GetString(15), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
        ChunksEmbedded = reader.GetInt32(16),
        PagesWithoutText = JsonColumn.ReadNumbers(reader.GetString(17)),
    };
}
