using RagStack.Answering;
using RagStack.Conversations;
using RagStack.Documents;
using RagStack.Retrieval;

namespace RagStack.Storage.Embedded.Tests.Conversations;

public sealed class SqliteConversationStoreTests : IDisposable
{
    private static readonly DateTimeOffset Created = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly TemporaryFolder _folder = new("ragstack-store-tests-");

    public void Dispose() => _folder.Dispose();

    private Task<EmbeddedStore> OpenAsync() => EmbeddedStore.OpenAsync(new EmbeddedStoreOptions { DataDirectory = _folder.FullName });

    private static ConversationMessage Question(string id, string text) => new(id, ConversationRole.User, [new TextPart(text)], Created);

    private static ConversationMessage Answer(string id, string text) => new(id, ConversationRole.Assistant, [new TextPart(text), new ImagePart("data:image/png;base64,AA==", "a chart")], Created.AddSeconds(1))
    {
        SearchedFor = "lease notice period",
        Sources = [new AnswerSource(1, new Citation("d1", "lease.pdf", 2, "Lease › Termination", 10, 90), "three months' notice") { Highlights = [new AnswerHighlight(0, 12)] }],
        Kind = AnswerKind.Generated,
        Index = "contracts",
        Notice = "a note",
    };

    [Fact]
    public async Task A_conversation_and_its_messages_survive_reopening_the_data_folder_with_every_field()
    {
        var summary = new ConversationSummary("c1", "Lease", "contracts", "legal", Created, Created.AddMinutes(1));
        var answer = Answer("m2", "Three months [1].");
        await using (var store = await OpenAsync())
        {
            await store.Conversations.UpsertAsync("acme", summary);
            Assert.True(await store.Conversations.AppendAsync("acme", summary, [Question("m1", "How much notice?"), answer]));
        }

        await using var reopened = await OpenAsync();
        var read = await reopened.Conversations.GetAsync("acme", "c1");

        Assert.NotNull(read);
        Assert.Equal(summary, read.Summary);
        Assert.Equal(["m1", "m2"], read.Messages.Select(m => m.Id));
        var stored = read.Messages[1];
        Assert.Equal(answer.Parts, stored.Parts);
        Assert.Equal(answer.Sources[0] with { Highlights = stored.Sources[0].Highlights }, stored.Sources[0]);
        Assert.Equal(answer.Sources[0].Highlights, stored.Sources[0].Highlights);
        Assert.Equal(answer with { Parts = stored.Parts, Sources = stored.Sources }, stored);
    }

    [Fact]
    public async Task Appending_from_a_message_replaces_it_and_everything_after_it_in_one_write()
    {
        await using var store = await OpenAsync();
        var summary = new ConversationSummary("c1", "Lease", null, null, Created, Created);
        await store.Conversations.UpsertAsync("acme", summary);
        await store.Conversations.AppendAsync("acme", summary, [Question("m1", "one"), Answer("m2", "first"), Question("m3", "two"), Answer("m4", "second")]);

        await store.Conversations.AppendAsync("acme", summary with { Title = "Edited" }, [Question("m5", "two, edited")], removeFromMessageId: "m3");

        var read = (await store.Conversations.GetAsync("acme", "c1"))!;
        Assert.Equal(["m1", "m2", "m5"], read.Messages.Select(m => m.Id));
        Assert.Equal("Edited", read.Summary.Title);
        Assert.False(await store.Conversations.AppendAsync("acme", summary with { Id = "missing" }, [Question("m6", "lost")]));
        Assert.Null(await store.Conversations.GetAsync("acme", "missing"));
    }

    [Fact]
    public async Task Each_tenant_lists_searches_and_deletes_only_its_own_conversations()
    {
        await using var store = await OpenAsync();
        var conversations = store.Conversations;
        await conversations.UpsertAsync("acme", new ConversationSummary("c1", "Lease notice", null, null, Created, Created));
        await conversations.UpsertAsync("acme", new ConversationSummary("c2", "Garden", null, null, Created, Created.AddHours(1)));
        await conversations.UpsertAsync("other", new ConversationSummary("c3", "Lease for other", null, null, Created, Created));

        Assert.Equal(["c2", "c1"], (await conversations.ListAsync("acme", null)).Select(c => c.Id));
        Assert.Equal(["c1"], (await conversations.ListAsync("acme", "lease")).Select(c => c.Id));
        Assert.Empty(await conversations.ListAsync("acme", "%"));
        Assert.Null(await conversations.GetAsync("acme", "c3"));
        Assert.False(await conversations.DeleteAsync("acme", "c3"));
        Assert.True(await conversations.DeleteAsync("other", "c3"));
        Assert.Empty(await conversations.ListAsync("other", null));
    }

    [Fact]
    public async Task A_documents_pipeline_progress_reads_back()
    {
        await using var store = await OpenAsync();
        var document = new DocumentRecord
        {
            Tenant = "acme",
            Id = "d1",
            Index = "docs",
            Name = "scan.pdf",
            ContentHash = "aa",
            Status = DocumentStatus.Processing,
            CompletedStep = PipelineSteps.Partition,
            ChunkCount = 40,
            ChunksEmbedded = 16,
            PageCount = 5,
            PagesWithoutText = [2, 5],
        };

        await store.Documents.UpsertAsync(document);
        var read = (await store.Documents.GetAsync("acme", "d1"))!;

        Assert.Equal((16, 40, DocumentStage.Embedding), (read.ChunksEmbedded, read.ChunkCount, read.Stage));
        Assert.Equal([2, 5], read.PagesWithoutText);
    }
}
