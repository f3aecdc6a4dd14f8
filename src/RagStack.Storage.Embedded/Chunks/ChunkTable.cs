using System.Globalization;
using Microsoft.Data.Sqlite;
using RagStack.Chunks;
using RagStack.Storage.Embedded.Database;

namespace RagStack.Storage.Embedded.Chunks;

/// <summary>The queries and the write transaction over the <c>chunks</c> and <c>index_state</c> tables: the truth the derived indexes are built from.</summary>
internal sealed class ChunkTable(EmbeddedDatabase database)
{
    /// <summary>Every chunk index the database knows, with the generation of its last write.</summary>
    public static List<(string Name, long Generation)> ReadIndexGenerations(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT index_name, generation FROM index_state ORDER BY index_name;";
        var known = new List<(string Name, long Generation)>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            known.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        return known;
    }

    /// <summary>Every row of one chunk index, in row order.</summary>
    public static IEnumerable<(long RowId, ChunkRecord Chunk)> ReadIndex(SqliteConnection connection, string index)
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

    /// <summary>The chunks with the given ids in one tenant's index, in the order of <paramref name="ids"/>; ids not found are left out.</summary>
    public IReadOnlyList<ChunkRecord> ReadByIds(string tenant, string index, IReadOnlyList<string> ids)
    {
        var found = new Dictionary<string, ChunkRecord>(StringComparer.Ordinal);
        using var connection = database.OpenReader();
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

        return ids.Where(found.ContainsKey).Select(id => found[id]).ToList();
    }

    /// <summary>One document's chunks, in document order.</summary>
    public IReadOnlyList<ChunkRecord> ReadDocument(string tenant, string index, string documentId)
    {
        using var connection = database.OpenReader();
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

        return chunks;
    }

    /// <summary>The rows with the given row ids, by row id.</summary>
    public Dictionary<long, ChunkRecord> ReadByRowIds(IReadOnlyList<long> rowIds)
    {
        using var connection = database.OpenReader();
        return ChunkRows.ReadByRowIds(connection, rowIds);
    }

    /// <summary>How many chunks one tenant's index holds.</summary>
    public long Count(string tenant, string index)
    {
        using var connection = database.OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM chunks WHERE tenant = $tenant AND index_name = $index;";
        command.Parameters.AddWithValue("$tenant", tenant);
        command.Parameters.AddWithValue("$index", index);
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>One SQLite transaction: the document's old rows out, the new rows in, the generation bumped.</summary>
    public (int Removed, long[] RowIds, long Generation) ReplaceDocument(string tenant, string index, string documentId, IReadOnlyList<ChunkRecord> chunks)
    {
        lock (database.WriteGate)
        {
            var connection = database.Writer;
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
}
