using RagStack.Conversations;

namespace RagStack.Web.Conversations;

/// <summary>
/// The sidebar's list of conversations for one circuit: loaded through the typed client, searched by title, and told
/// when the chat creates or changes one so the list follows without a reload.
/// </summary>
public sealed class ConversationsState(IRagStackClient client)
{
    public IReadOnlyList<ConversationSummary> Items { get; private set; } = [];

    public string? Search { get; private set; }

    /// <summary>A problem loading the list (the API's words), shown in place of it.</summary>
    public string? Problem { get; private set; }

    /// <summary>Raised after the list changed.</summary>
    public event Func<Task>? Changed;

    public async Task RefreshAsync(string? search = null)
    {
        Search = string.IsNullOrWhiteSpace(search) ? null : search.Trim();
        try
        {
            Items = await client.ListConversationsAsync(Search);
            Problem = null;
        }
        catch (Exception e) when (e is Client.RagStackApiException or HttpRequestException)
        {
            Problem = $"Conversations could not be loaded: {e.Message}";
        }

        await NotifyAsync();
    }

    /// <summary>A conversation the chat just created: shown at the top at once.</summary>
    public void Created(ConversationSummary conversation)
    {
        Items = [conversation, .. Items.Where(c => c.Id != conversation.Id)];
        _ = NotifyAsync();
    }

    /// <summary>A conversation got a message (and maybe its title from the first question): reload the list.</summary>
    public Task TouchedAsync() => RefreshAsync(Search);

    public async Task<bool> RenameAsync(string id, string title)
    {
        var renamed = await client.RenameConversationAsync(id, title);
        await RefreshAsync(Search);
        return renamed is not null;
    }

    public async Task<bool> DeleteAsync(string id)
    {
        var deleted = await client.DeleteConversationAsync(id);
        await RefreshAsync(Search);
        return deleted;
    }

    private async Task NotifyAsync()
    {
        if (Changed is { } changed)
        {
            await changed();
        }
    }
}
