using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Data.Sqlite;
using RagStack.Conversations;
using RagStack.Storage.Embedded.Database;

namespace RagStack.Storage.Embedded.Conversations;

/// <summary>
/// Conversations in the <c>conversations</c> table of <c>ragstack.db</c>, their messages in <c>conversation_messages</c>
/// (each one's parts, sources and error as JSON), in order of writing. Every statement names the tenant.
/// </summary>
internal sealed class SqliteConversationStore(EmbeddedDatabase database) : IConversationStore
{
    private const string Columns = "id, title, index_name, domain, created_at, updated_at";

    public Task<IReadOnlyList<ConversationSummary>> ListAsync(string tenant, string? titleSearch, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenReader();
        using var command = connection.CreateCommand();
        // instr on lower() rather than LIKE: a search for "50%" or "a_b" means those characters.
        command.CommandText = titleSearch is { Length: > 0 }
            ? $"SELECT {Columns} FROM conversations WHERE tenant = $tenant AND instr(lower(title), lower($search)) > 0 ORDER BY updated_at DESC, id;"
            : $"SELECT {Columns} FROM conversations WHERE tenant = $tenant ORDER BY updated_at DESC, id;";
        command.Parameters.AddWithValue("$tenant", tenant);
        if (titleSearch is { Length: > 0 })
        {
            command.Parameters.AddWithValue("$search", titleSearch);
        }

        using var reader = command.ExecuteReader();
        var list = new List<ConversationSummary>();
        while (reader.Read())
        {
            list.Add(ReadSummary(reader));
        }

        return Task.FromResult<IReadOnlyList<ConversationSummary>>(list);
    }

    public Task<Conversation?> GetAsync(string tenant, string conversationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenReader();
        using var transaction = connection.BeginTransaction();
        ConversationSummary summary;
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = $"SELECT {Columns} FROM conversations WHERE tenant = $tenant AND id = $id;";
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$id", conversationId);
            using var reader = command.ExecuteReader();
            if (!reader.Read())
            {
                return Task.FromResult<Conversation?>(null);
            }

            summary = ReadSummary(reader);
        }

        using var messages = connection.CreateCommand();
        messages.Transaction = transaction;
        messages.CommandText = "SELECT body FROM conversation_messages WHERE tenant = $tenant AND conversation_id = $id ORDER BY seq;";
        messages.Parameters.AddWithValue("$tenant", tenant);
        messages.Parameters.AddWithValue("$id", conversationId);
        using var rows = messages.ExecuteReader();
        var list = new List<ConversationMessage>();
        while (rows.Read())
        {
            list.Add(JsonSerializer.Deserialize(rows.GetString(0), ConversationJson.Default.ConversationMessage)
                ?? throw new InvalidDataException($"A message of conversation '{conversationId}' in {EmbeddedStore.DatabaseFileName} is empty."));
        }

        return Task.FromResult<Conversation?>(new Conversation(summary, list));
    }

    public Task UpsertAsync(string tenant, ConversationSummary conversation, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        ArgumentNullException.ThrowIfNull(conversation);
        cancellationToken.ThrowIfCancellationRequested();
        lock (database.WriteGate)
        {
            WriteSummary(null, tenant, conversation);
        }

        return Task.CompletedTask;
    }

    public Task<bool> DeleteAsync(string tenant, string conversationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (database.WriteGate)
        {
            using var transaction = database.Writer.BeginTransaction();
            using var messages = Command(transaction, "DELETE FROM conversation_messages WHERE tenant = $tenant AND conversation_id = $id;", tenant, conversationId);
            messages.ExecuteNonQuery();
            using var conversation = Command(transaction, "DELETE FROM conversations WHERE tenant = $tenant AND id = $id;", tenant, conversationId);
            var deleted = conversation.ExecuteNonQuery() > 0;
            transaction.Commit();
            return Task.FromResult(deleted);
        }
    }

    public Task<bool> AppendAsync(
        string tenant, ConversationSummary conversation, IReadOnlyList<ConversationMessage> messages, string? removeFromMessageId = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(messages);
        cancellationToken.ThrowIfCancellationRequested();
        lock (database.WriteGate)
        {
            using var transaction = database.Writer.BeginTransaction();
            using (var exists = Command(transaction, "SELECT EXISTS (SELECT 1 FROM conversations WHERE tenant = $tenant AND id = $id);", tenant, conversation.Id))
            {
                if (Convert.ToInt64(exists.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
                {
                    return Task.FromResult(false);
                }
            }

            if (removeFromMessageId is not null)
            {
                using var remove = Command(transaction, """
                    DELETE FROM conversation_messages WHERE tenant = $tenant AND conversation_id = $id AND seq >=
                        (SELECT seq FROM conversation_messages WHERE tenant = $tenant AND conversation_id = $id AND id = $message);
                    """, tenant, conversation.Id);
                remove.Parameters.AddWithValue("$message", removeFromMessageId);
                remove.ExecuteNonQuery();
            }

            foreach (var message in messages)
            {
                using var insert = Command(transaction, "INSERT INTO conversation_messages (tenant, conversation_id, id, body) VALUES ($tenant, $id, $message, $body);", tenant, conversation.Id);
                insert.Parameters.AddWithValue("$message", message.Id);
                insert.Parameters.AddWithValue("$body", JsonSerializer.Serialize(message, ConversationJson.Default.ConversationMessage));
                insert.ExecuteNonQuery();
            }

            WriteSummary(transaction, tenant, conversation);
            transaction.Commit();
            return Task.FromResult(true);
        }
    }

    private void WriteSummary(SqliteTransaction? transaction, string tenant, ConversationSummary conversation)
    {
        using var command = Command(transaction, $"""
            INSERT OR REPLACE INTO conversations (tenant, {Columns})
            VALUES ($tenant, $id, $title, $index, $domain, $created, $updated);
            """, tenant, conversation.Id);
        var p = command.Parameters;
        p.AddWithValue("$title", conversation.Title);
        p.AddWithValue("$index", (object?)conversation.Index ?? DBNull.Value);
        p.AddWithValue("$domain", (object?)conversation.Domain ?? DBNull.Value);
        p.AddWithValue("$created", conversation.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
        p.AddWithValue("$updated", conversation.UpdatedAt.ToString("O", CultureInfo.InvariantCulture));
        command.ExecuteNonQuery();
    }

    private SqliteCommand Command(SqliteTransaction? transaction, string sql, string tenant, string conversationId)
    {
        var command = database.Writer.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$tenant", tenant);
        command.Parameters.AddWithValue("$id", conversationId);
        return command;
    }

    private static ConversationSummary ReadSummary(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.IsDBNull(2) ? null : reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetString(3),
        DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
        DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));
}

/// <summary>How a message is kept in its row: camelCase JSON, enums by name.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ConversationMessage))]
internal sealed partial class ConversationJson : JsonSerializerContext;
