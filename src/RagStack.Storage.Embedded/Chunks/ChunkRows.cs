using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using RagStack.Chunks;
using RagStack.Storage.Embedded.Database;

namespace RagStack.Storage.Embedded.Chunks;

/// <summary>Reads and writes rows of the <c>chunks</c> table, the source of truth for chunk text, metadata and vectors.</summary>
internal static class ChunkRows
{
    /// <summary>The columns <see cref="Read"/> expects, in order.</summary>
    public const string Columns =
        "row_id, tenant, index_name, document_id, id, document_name, position, text, page, section_path, start_offset, end_offset, tags, vector";

    /// <summary>SQLite's default limit on bound parameters is far above this; batches stay small enough to plan fast.</summary>
    public const int MaxParametersPerQuery = 500;

    public static (long RowId, ChunkRecord Chunk) Read(SqliteDataReader reader) => (reader.GetInt64(0), new ChunkRecord
    {
        Tenant = reader.GetString(1),
        Index = reader.GetString(2),
        DocumentId = reader.GetString(3),
        Id = reader.GetString(4),
        DocumentName = reader.GetString(5),
        Position = reader.GetInt32(6),
        Text = reader.GetString(7),
        Page = reader.IsDBNull(8) ? null : reader.GetInt32(8),
        SectionPath = JsonColumn.Read(reader.GetString(9)),
        Start = reader.GetInt32(10),
        End = reader.GetInt32(11),
        Tags = JsonColumn.Read(reader.GetString(12)),
        Vector = reader.IsDBNull(13) ? ReadOnlyMemory<float>.Empty : ReadVector(reader, 13),
    });

    public static float[] ReadVector(SqliteDataReader reader, int ordinal) =>
        MemoryMarshal.Cast<byte, float>(reader.GetFieldValue<byte[]>(ordinal)).ToArray();

    /// <summary>Inserts one chunk and returns its new row id.</summary>
    public static long Insert(SqliteConnection connection, SqliteTransaction transaction, ChunkRecord chunk)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO chunks (tenant, index_name, document_id, id, document_name, position, text, page, section_path, start_offset, end_offset, tags, vector)
            VALUES ($tenant, $index, $document, $id, $name, $position, $text, $page, $section, $start, $end, $tags, $vector)
            RETURNING row_id;
            """;
        var p = command.Parameters;
        p.AddWithValue("$tenant", chunk.Tenant);
        p.AddWithValue("$index", chunk.Index);
        p.AddWithValue("$document", chunk.DocumentId);
        p.AddWithValue("$id", chunk.Id);
        p.AddWithValue("$name", chunk.DocumentName);
        p.AddWithValue("$position", chunk.Position);
        p.AddWithValue("$text", chunk.Text);
        p.AddWithValue("$page", (object?)chunk.Page ?? DBNull.Value);
        p.AddWithValue("$section", JsonColumn.Write(chunk.SectionPath));
        p.AddWithValue("$start", chunk.Start);
        p.AddWithValue("$end", chunk.End);
        p.AddWithValue("$tags", JsonColumn.Write(chunk.Tags));
        p.AddWithValue("$vector", chunk.Vector.IsEmpty ? DBNull.Value : MemoryMarshal.AsBytes(chunk.Vector.Span).ToArray());
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>The chunks with these row ids, keyed by row id.</summary>
    public static Dictionary<long, ChunkRecord> ReadByRowIds(SqliteConnection connection, IReadOnlyList<long> rowIds)
    {
        var chunks = new Dictionary<long, ChunkRecord>(rowIds.Count);
        foreach (var batch in rowIds.Chunk(MaxParametersPerQuery))
        {
            using var command = connection.CreateCommand();
            var names = new string[batch.Length];
            for (var i = 0; i < batch.Length; i++)
            {
                names[i] = "$r" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                command.Parameters.AddWithValue(names[i], batch[i]);
            }

            command.CommandText = $"SELECT {Columns} FROM chunks WHERE row_id IN ({string.Join(',', names)});";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var (rowId, chunk) = Read(reader);
                chunks[rowId] = chunk;
            }
        }

        return chunks;
    }
}
