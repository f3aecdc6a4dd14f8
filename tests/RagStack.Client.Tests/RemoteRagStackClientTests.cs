using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using RagStack.Answering;
using RagStack.Documents;
using RagStack.Retrieval;

namespace RagStack.Client.Tests;

/// <summary>The typed client against the real service on loopback: every endpoint, and its refusals as typed exceptions.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class RemoteRagStackClientTests(ApiServer server)
{
    private static readonly TimeSpan IngestionTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_document_goes_from_upload_to_ready_to_search_to_a_streamed_answer_and_is_deleted()
    {
        using var services = server.ClientServices();
        var client = services.GetRequiredService<IRagStackClient>();
        var progress = new RecordingProgress();

        var receipt = Assert.Single(await client.UploadAsync("leases", [DocumentUpload.FromText("lease.md", ApiServer.Lease)], ["legal"], progress));
        Assert.Equal(DocumentStatus.Queued, receipt.Status);
        Assert.Equal(Encoding.UTF8.GetByteCount(ApiServer.Lease), progress.Reports[^1].BytesSent);
        Assert.Equal("lease.md", progress.Reports[^1].FileName);

        using var timeout = new CancellationTokenSource(IngestionTimeout);
        var ready = await client.WaitForDocumentAsync("leases", receipt.Id, cancellationToken: timeout.Token);
        Assert.Equal(DocumentStatus.Ready, ready.Status);
        Assert.True(ready.ChunkCount > 0);
        Assert.Equal(["legal"], ready.Tags);
        Assert.Contains(await client.ListDocumentsAsync("leases"), d => d.Id == receipt.Id && d.Name == "lease.md");

        var hits = await client.SearchAsync(new SearchRequest { Query = "how much notice ends the lease", Index = "leases", Top = 3 });
        Assert.Equal("lease.md", hits[0].Citation.DocumentName);
        Assert.Contains("three months' written notice", hits[0].Chunk.Text, StringComparison.Ordinal);
        Assert.Equal(["Office lease", "Termination"], hits[0].Chunk.SectionPath);

        var streamed = new StringBuilder();
        Answer? answer = null;
        await foreach (var update in client.AskStreamingAsync(new AskRequest { Question = "How much notice ends the lease?", Index = "leases" }))
        {
            streamed.Append(update.Text);
            answer ??= update.Completed;
        }

        Assert.NotNull(answer);
        Assert.Equal(streamed.ToString(), answer.Text);
        Assert.Contains("three months' written notice", answer.Text, StringComparison.Ordinal);
        Assert.Equal(AnswerKind.Extractive, answer.Kind);
        Assert.Equal("lease.md", answer.Sources[0].Citation.DocumentName);
        Assert.Contains($"[{answer.Sources[0].Number}]", answer.Text, StringComparison.Ordinal);

        Assert.True(await client.DeleteDocumentAsync("leases", receipt.Id));
        Assert.Null(await client.GetDocumentAsync("leases", receipt.Id));
        Assert.False(await client.DeleteDocumentAsync("leases", receipt.Id));
        Assert.Empty(await client.SearchAsync(new SearchRequest { Query = "notice", Index = "leases" }));
    }

    [Fact]
    public async Task A_json_answer_carries_its_sources_and_timings()
    {
        using var services = server.ClientServices();
        var client = services.GetRequiredService<IRagStackClient>();
        var receipt = Assert.Single(await client.UploadAsync(ApiServer.LegalIndex, [DocumentUpload.FromText("lease.md", ApiServer.Lease)]));
        using var timeout = new CancellationTokenSource(IngestionTimeout);
        await client.WaitForDocumentAsync(ApiServer.LegalIndex, receipt.Id, cancellationToken: timeout.Token);

        var answer = await client.AskAsync(new AskRequest { Question = "When is the rent paid?", Domain = "legal" });

        Assert.Contains("first working day", answer.Text, StringComparison.Ordinal);
        Assert.Equal(ApiServer.LegalIndex, answer.Index);
        Assert.Equal("legal", answer.Domain);
        Assert.Equal("lease.md", answer.Sources[0].Citation.DocumentName);
        Assert.Contains("first working day", answer.Sources[0].Snippet, StringComparison.Ordinal);
        Assert.True(answer.Timings.Total > TimeSpan.Zero);
    }

    [Fact]
    public async Task Uploading_the_same_bytes_again_is_reported_unchanged()
    {
        using var services = server.ClientServices();
        var client = services.GetRequiredService<IRagStackClient>();
        var file = DocumentUpload.FromText("rent.md", "# Rent\n\nRent is paid monthly in advance.");
        var first = Assert.Single(await client.UploadAsync("again", [file]));
        using var timeout = new CancellationTokenSource(IngestionTimeout);
        await client.WaitForDocumentAsync("again", first.Id, cancellationToken: timeout.Token);

        var second = Assert.Single(await client.UploadAsync("again", [file]));

        Assert.True(second.Unchanged);
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(DocumentStatus.Ready, second.Status);
    }

    [Fact]
    public async Task An_unknown_domain_is_a_typed_exception_with_the_api_message()
    {
        using var services = server.ClientServices();
        var client = services.GetRequiredService<IRagStackClient>();

        var e = await Assert.ThrowsAsync<RagStackApiException>(() => client.AskAsync(new AskRequest { Question = "Anything?", Domain = "astrology" }));

        Assert.Equal(HttpStatusCode.NotFound, e.Status);
        Assert.Equal("Unknown domain", e.Title);
        Assert.Contains("astrology", e.Message, StringComparison.Ordinal);
        Assert.Contains("legal", e.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_streamed_answer_refused_before_it_starts_throws_the_api_problem()
    {
        using var services = server.ClientServices();
        var client = services.GetRequiredService<IRagStackClient>();

        var e = await Assert.ThrowsAsync<RagStackApiException>(async () =>
        {
            await foreach (var update in client.AskStreamingAsync(new AskRequest { Question = "Anything?", Domain = "astrology" }))
            {
                Assert.Fail($"The stream yielded '{update.Text}' for an unknown domain.");
            }
        });

        Assert.Equal(HttpStatusCode.NotFound, e.Status);
        Assert.Contains("astrology", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_search_is_a_bad_request_naming_the_field()
    {
        using var services = server.ClientServices();
        var client = services.GetRequiredService<IRagStackClient>();

        var e = await Assert.ThrowsAsync<RagStackApiException>(() => client.SearchAsync(new SearchRequest { Query = "notice", Top = 5000 }));

        Assert.Equal(HttpStatusCode.BadRequest, e.Status);
        Assert.Contains("top", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upload_into_an_invalid_index_is_refused_with_the_api_message()
    {
        using var services = server.ClientServices();
        var client = services.GetRequiredService<IRagStackClient>();

        var e = await Assert.ThrowsAsync<RagStackApiException>(() => client.UploadAsync("bad index!", [DocumentUpload.FromText("a.txt", "text")]));

        Assert.Equal(HttpStatusCode.BadRequest, e.Status);
        Assert.Equal("Invalid index name", e.Title);
    }

    [Fact]
    public async Task An_unknown_api_key_is_unauthorized_with_the_api_message()
    {
        using var services = server.ClientServices(apiKey: "not-a-key");
        var client = services.GetRequiredService<IRagStackClient>();

        var e = await Assert.ThrowsAsync<RagStackApiException>(() => client.ListDocumentsAsync("default"));

        Assert.Equal(HttpStatusCode.Unauthorized, e.Status);
        Assert.Equal("Unknown API key", e.Title);
    }

    [Fact]
    public async Task A_setting_the_api_does_not_take_is_refused_by_name_before_anything_is_sent()
    {
        using var services = new ServiceCollection().AddRagStackClient(new Uri("http://127.0.0.1:9")).BuildServiceProvider();
        var client = services.GetRequiredService<IRagStackClient>();

        var e = await Assert.ThrowsAsync<NotSupportedException>(() => client.AskAsync(new AskRequest { Question = "q", DocumentIds = ["d"] }));

        Assert.Contains("DocumentIds", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_relative_base_address_is_refused_naming_it()
    {
        var e = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddRagStackClient(new Uri("api/", UriKind.Relative)));

        Assert.Contains("api/", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Records progress reports synchronously, in order (<see cref="Progress{T}"/> would post them to the thread pool).</summary>
    private sealed class RecordingProgress : IProgress<UploadProgress>
    {
        public List<UploadProgress> Reports { get; } = [];

        public void Report(UploadProgress value) => Reports.Add(value);
    }
}
