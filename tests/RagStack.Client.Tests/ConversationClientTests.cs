using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using RagStack.Answering;
using RagStack.Conversations;
using RagStack.Documents;

namespace RagStack.Client.Tests;

/// <summary>Conversations through the typed client against the real service on loopback, without a generator (extractive answers).</summary>
[Collection(ApiServerCollection.Name)]
public sealed class ConversationClientTests(ApiServer server)
{
    private const string Index = "conversation-docs";

    private const string Guide = """
        # Running the model host

        ## Memory

        The model host needs about 6 GB of memory for an 8B model quantised to four bits.

        ## Ports

        The model host listens on port 5190 unless told otherwise.
        """;

    private const string Garden = """
        # Tomatoes

        ## Watering

        Tomato plants need deep watering twice a week; water the soil, not the leaves.
        """;

    private const string Database = """
        # Database server

        ## Memory

        The database server needs 2 GB of memory for its page cache.
        """;

    [Fact]
    public async Task A_conversation_is_created_listed_searched_by_title_renamed_and_deleted()
    {
        using var services = server.ClientServices();
        var client = services.GetRequiredService<IRagStackClient>();

        var created = await client.CreateConversationAsync("Lease questions 50% off", index: Index);
        var untitled = await client.CreateConversationAsync();

        Assert.Equal("Lease questions 50% off", created.Title);
        Assert.Equal(Index, created.Index);
        Assert.Equal("New conversation", untitled.Title);
        var all = await client.ListConversationsAsync();
        Assert.Contains(all, c => c.Id == created.Id);
        Assert.Contains(all, c => c.Id == untitled.Id);
        Assert.Equal([created.Id], (await client.ListConversationsAsync("LEASE QUESTIONS 50%")).Select(c => c.Id));
        Assert.Empty(await client.ListConversationsAsync("lease_questions"));

        var renamed = await client.RenameConversationAsync(created.Id, "  Renamed  ");
        Assert.Equal("Renamed", renamed!.Title);
        Assert.Equal("Renamed", (await client.GetConversationAsync(created.Id))!.Summary.Title);
        Assert.Equal(created.Id, (await client.ListConversationsAsync())[0].Id);

        Assert.True(await client.DeleteConversationAsync(created.Id));
        Assert.Null(await client.GetConversationAsync(created.Id));
        Assert.False(await client.DeleteConversationAsync(created.Id));
        Assert.Null(await client.RenameConversationAsync(created.Id, "gone"));
        Assert.DoesNotContain(await client.ListConversationsAsync(), c => c.Id == created.Id);
    }

    [Fact]
    public async Task A_question_streams_its_steps_in_order_and_is_stored_with_its_cited_answer()
    {
        using var services = server.ClientServices();
        var client = services.GetRequiredService<IRagStackClient>();
        await UploadAsync(client);
        var conversation = await client.CreateConversationAsync(index: Index);

        var updates = await AskAsync(client, conversation.Id, new ConversationQuestion { Question = "How much memory does the model host need?" });

        var question = Assert.IsType<ConversationQuestionSaved>(updates[0]).Question;
        Assert.Equal((ConversationRole.User, "How much memory does the model host need?"), (question.Role, question.Text));
        var retrieving = Assert.IsType<ConversationRetrieving>(updates[1]);
        Assert.Equal((Index, "How much memory does the model host need?"), (retrieving.Index, retrieving.SearchedFor));
        Assert.True(Assert.IsType<ConversationRetrieved>(updates[2]).Passages > 0);
        var tokens = updates.Skip(3).TakeWhile(u => u is ConversationToken).Cast<ConversationToken>().ToList();
        Assert.NotEmpty(tokens);
        var answer = Assert.IsType<ConversationCompleted>(updates[^1]).Answer;
        Assert.Equal(3 + tokens.Count + 1, updates.Count);
        Assert.Equal(string.Concat(tokens.Select(t => t.Text)), answer.Text);
        Assert.Contains("6 GB", answer.Text, StringComparison.Ordinal);
        Assert.Equal(AnswerKind.Extractive, answer.Kind);
        Assert.Equal(Index, answer.Index);
        Assert.NotNull(answer.Notice);
        Assert.Equal("guide.md", answer.Sources[0].Citation.DocumentName);

        var stored = (await client.GetConversationAsync(conversation.Id))!;
        Assert.Equal("How much memory does the model host need?", stored.Summary.Title);
        Assert.Equal([question.Id, answer.Id], stored.Messages.Select(m => m.Id));
        Assert.Equal(answer.Text, stored.Messages[1].Text);
        Assert.Equal(answer.Sources[0].Citation, stored.Messages[1].Sources[0].Citation);
        Assert.Equal(ConversationRole.Assistant, stored.Messages[1].Role);
        Assert.Null(stored.Messages[1].Error);
    }

    [Fact]
    public async Task Without_a_generator_a_follow_up_is_searched_with_the_previous_questions_words_and_finds_its_document()
    {
        using var services = server.ClientServices();
        var client = services.GetRequiredService<IRagStackClient>();
        await UploadAsync(client);
        var conversation = await client.CreateConversationAsync(index: Index);
        await AskAsync(client, conversation.Id, new ConversationQuestion { Question = "Which port does the model host listen on?" });

        var updates = await AskAsync(client, conversation.Id, new ConversationQuestion { Question = "And how much memory?" });

        var searchedFor = Assert.Single(updates.OfType<ConversationRetrieving>()).SearchedFor;
        Assert.StartsWith("And how much memory?", searchedFor, StringComparison.Ordinal);
        Assert.Contains("model", searchedFor, StringComparison.Ordinal);
        Assert.Contains("host", searchedFor, StringComparison.Ordinal);
        var answer = Assert.Single(updates.OfType<ConversationCompleted>()).Answer;
        // "memory" alone fits the database server as well; the previous question's words choose the model host.
        Assert.Equal(searchedFor, answer.SearchedFor);
        Assert.Equal("guide.md", answer.Sources[0].Citation.DocumentName);
        Assert.Contains("6 GB", answer.Text, StringComparison.Ordinal);
        Assert.Equal(4, (await client.GetConversationAsync(conversation.Id))!.Messages.Count);
    }

    [Fact]
    public async Task Regenerating_replaces_the_last_answer_and_editing_the_last_question_replaces_both()
    {
        using var services = server.ClientServices();
        var client = services.GetRequiredService<IRagStackClient>();
        await UploadAsync(client);
        var conversation = await client.CreateConversationAsync(index: Index);
        await AskAsync(client, conversation.Id, new ConversationQuestion { Question = "Which port does the model host listen on?" });
        var first = (await client.GetConversationAsync(conversation.Id))!.Messages;

        var again = await AskAsync(client, conversation.Id, new ConversationQuestion { Mode = ConversationAskMode.Regenerate });

        Assert.Equal(first[0].Id, Assert.IsType<ConversationQuestionSaved>(again[0]).Question.Id);
        var regenerated = (await client.GetConversationAsync(conversation.Id))!.Messages;
        Assert.Equal(2, regenerated.Count);
        Assert.Equal(first[0].Id, regenerated[0].Id);
        Assert.NotEqual(first[1].Id, regenerated[1].Id);
        Assert.Contains("5190", regenerated[1].Text, StringComparison.Ordinal);

        var edited = await AskAsync(client, conversation.Id, new ConversationQuestion { Question = "How often are tomatoes watered?", Mode = ConversationAskMode.ReplaceLastQuestion });

        var messages = (await client.GetConversationAsync(conversation.Id))!.Messages;
        Assert.Equal(["How often are tomatoes watered?", Assert.IsType<ConversationCompleted>(edited[^1]).Answer.Text], messages.Select(m => m.Text));
        Assert.Equal("How often are tomatoes watered?", Assert.Single(edited.OfType<ConversationRetrieving>()).SearchedFor);
        Assert.Contains("twice a week", messages[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_questions_are_refused_with_the_apis_problem_details_and_leave_the_conversation_as_it_was()
    {
        using var services = server.ClientServices();
        var client = services.GetRequiredService<IRagStackClient>();
        var conversation = await client.CreateConversationAsync(index: Index);

        var missing = await Assert.ThrowsAsync<RagStackApiException>(() => AskAsync(client, "no-such-conversation", new ConversationQuestion { Question = "Anything?" }));
        var empty = await Assert.ThrowsAsync<RagStackApiException>(() => AskAsync(client, conversation.Id, new ConversationQuestion { Question = "  " }));
        var nothingToRegenerate = await Assert.ThrowsAsync<RagStackApiException>(() => AskAsync(client, conversation.Id, new ConversationQuestion { Mode = ConversationAskMode.Regenerate }));
        var domain = await Assert.ThrowsAsync<RagStackApiException>(() => AskAsync(client, conversation.Id, new ConversationQuestion { Question = "Anything?", Domain = "astrology" }));
        var title = await Assert.ThrowsAsync<RagStackApiException>(() => client.RenameConversationAsync(conversation.Id, "bad\u202Etitle"));

        Assert.Equal((HttpStatusCode.NotFound, "Conversation not found"), (missing.Status, missing.Title));
        Assert.Contains("no-such-conversation", missing.Detail, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.BadRequest, "Invalid request"), (empty.Status, empty.Title));
        Assert.Contains("question is empty", empty.Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, nothingToRegenerate.Status);
        Assert.Contains("no question to answer again", nothingToRegenerate.Detail, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.NotFound, "Unknown domain"), (domain.Status, domain.Title));
        Assert.Equal(HttpStatusCode.BadRequest, title.Status);
        Assert.Contains("invisible character (U+202E)", title.Detail, StringComparison.Ordinal);
        Assert.Empty((await client.GetConversationAsync(conversation.Id))!.Messages);
    }

    [Fact]
    public async Task Another_tenants_conversation_is_not_found()
    {
        using var acme = server.ClientServices();
        using var other = server.ClientServices(ApiServer.OtherApiKey);
        var conversation = await acme.GetRequiredService<IRagStackClient>().CreateConversationAsync("acme only");
        var client = other.GetRequiredService<IRagStackClient>();

        Assert.Null(await client.GetConversationAsync(conversation.Id));
        Assert.DoesNotContain(await client.ListConversationsAsync(), c => c.Id == conversation.Id);
        Assert.False(await client.DeleteConversationAsync(conversation.Id));
        var asked = await Assert.ThrowsAsync<RagStackApiException>(() => AskAsync(client, conversation.Id, new ConversationQuestion { Question = "Anything?" }));
        Assert.Equal(HttpStatusCode.NotFound, asked.Status);
        Assert.NotNull(await acme.GetRequiredService<IRagStackClient>().GetConversationAsync(conversation.Id));
    }

    internal static async Task<List<ConversationUpdate>> AskAsync(IRagStackClient client, string conversationId, ConversationQuestion question)
    {
        var updates = new List<ConversationUpdate>();
        await foreach (var update in client.AskInConversationStreamingAsync(conversationId, question))
        {
            updates.Add(update);
        }

        return updates;
    }

    private static async Task UploadAsync(IRagStackClient client)
    {
        var receipts = await client.UploadAsync(Index, [DocumentUpload.FromText("guide.md", Guide), DocumentUpload.FromText("garden.md", Garden), DocumentUpload.FromText("database.md", Database)]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        foreach (var receipt in receipts)
        {
            Assert.Equal(DocumentStatus.Ready, (await client.WaitForDocumentAsync(Index, receipt.Id, cancellationToken: timeout.Token)).Status);
        }
    }
}
