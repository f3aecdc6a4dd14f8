using Microsoft.Extensions.AI;
using RagStack.Answering;
using RagStack.Core.Tests.Support;
using RagStack.Domains;
using RagStack.Generation;
using RagStack.Ingestion;
using Xunit;

namespace RagStack.Core.Tests.Domains;

/// <summary>
/// A question's domain, through the real Answerer on a real store with real embeddings: the domain chooses the index, the
/// adapter the generator is asked for and the instructions in the system message. The generator is a fake that records
/// what it was asked; the real llama.cpp path is covered by the CLI's domain tests.
/// </summary>
public sealed class DomainRouteTests
{
    private const string Question = "How many parameters does LoRA train at rank 8 for a 4096-wide projection?";
    private const string LoraText = "# LoRA\n\nLoRA freezes the base weights and trains two low-rank matrices per projection. At rank 8 a 4096×4096 projection trains 2·4096·8 = 65,536 parameters instead of 16.8 million.";

    private static void Configure(DomainsOptions domains)
    {
        domains["research"] = new DomainOptions { Index = "papers", Adapter = "/adapters/research.gguf", AdapterScale = 0.5f, SystemPrompt = "Answer like a careful reviewer." };
        domains["papers"] = new DomainOptions();
        domains["plain"] = new DomainOptions { Index = "papers" };
    }

    private static async Task<PipelineFixture> CorpusAsync(IChatClient? chat = null)
    {
        var fixture = PipelineFixture.Create(chatClient: chat, domains: Configure);
        await foreach (var result in fixture.Ingestor.IngestManyAsync([PipelineFixture.Text("lora.md", LoraText, index: "papers")]))
        {
            Assert.Equal(IngestOutcome.Ingested, result.Outcome);
        }

        return fixture;
    }

    private static FakeChatClient Chat() => new(["Rank 8 trains 65,536 parameters [1]."], new FakeChatTokenCounter(4_096));

    [Fact]
    public async Task A_domain_answers_from_its_index_with_its_adapter_and_scale()
    {
        var chat = Chat();
        await using var fixture = await CorpusAsync(chat);

        var answer = await fixture.Answerer.AskAsync(new AskRequest { Question = Question, Domain = "Research" });

        Assert.Equal(AnswerKind.Generated, answer.Kind);
        Assert.Equal("papers", answer.Index);
        Assert.Equal("research", answer.Domain);
        Assert.Equal(new AnswerAdapter("research", 0.5f), answer.Adapter);
        Assert.Equal("lora.md", answer.Sources[0].Citation.DocumentName);
        var properties = chat.Options.Single()!.AdditionalProperties!;
        Assert.Equal("research", properties[AdapterSelection.Adapter]);
        Assert.Equal(0.5f, properties[AdapterSelection.AdapterScale]);
    }

    [Fact]
    public async Task A_domain_without_an_index_answers_from_the_index_named_like_it()
    {
        await using var fixture = await CorpusAsync();

        var answer = await fixture.Answerer.AskAsync(new AskRequest { Question = Question, Domain = "papers" });

        Assert.Equal(AnswerKind.Extractive, answer.Kind);
        Assert.Equal("papers", answer.Index);
        Assert.Equal("lora.md", answer.Sources[0].Citation.DocumentName);
    }

    [Fact]
    public async Task A_domain_without_an_adapter_asks_the_base_model()
    {
        var chat = Chat();
        await using var fixture = await CorpusAsync(chat);

        var answer = await fixture.Answerer.AskAsync(new AskRequest { Question = Question, Domain = "plain" });

        Assert.Null(answer.Adapter);
        Assert.False(chat.Options.Single()!.AdditionalProperties?.ContainsKey(AdapterSelection.Adapter) ?? false);
    }

    [Fact]
    public async Task An_explicit_adapter_and_index_override_the_domains()
    {
        var chat = Chat();
        await using var fixture = await CorpusAsync(chat);

        var answer = await fixture.Answerer.AskAsync(new AskRequest { Question = Question, Domain = "research", Index = "default", Adapter = "draft" });

        Assert.Equal("default", answer.Index);
        Assert.Equal(AnswerKind.NoRelevantContext, answer.Kind);
        answer = await fixture.Answerer.AskAsync(new AskRequest { Question = Question, Domain = "research", Adapter = "draft" });
        Assert.Equal(new AnswerAdapter("draft", 1f), answer.Adapter);
        Assert.Equal("draft", chat.Options.Single()!.AdditionalProperties![AdapterSelection.Adapter]);
        Assert.Equal(1f, chat.Options.Single()!.AdditionalProperties![AdapterSelection.AdapterScale]);
    }

    [Fact]
    public async Task The_domains_system_prompt_is_added_to_the_system_message_and_sources_stay_fenced()
    {
        var chat = Chat();
        await using var fixture = await CorpusAsync(chat);

        await fixture.Answerer.AskAsync(new AskRequest { Question = Question, Domain = "research" });

        var messages = chat.Requests.Single();
        var system = Assert.Single(messages, m => m.Role == ChatRole.System);
        Assert.StartsWith("You answer questions using only the numbered sources", system.Text, StringComparison.Ordinal);
        Assert.EndsWith("\n\nAnswer like a careful reviewer.", system.Text, StringComparison.Ordinal);
        var user = messages.Last();
        Assert.Equal(ChatRole.User, user.Role);
        Assert.Contains("=== SOURCE [1] lora.md", user.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("careful reviewer", user.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_extractive_path_ignores_the_adapter()
    {
        await using var fixture = await CorpusAsync();

        var answer = await fixture.Answerer.AskAsync(new AskRequest { Question = Question, Domain = "research" });

        Assert.Equal(AnswerKind.Extractive, answer.Kind);
        Assert.Equal("research", answer.Domain);
        Assert.Null(answer.Adapter);
    }

    [Fact]
    public async Task An_unknown_domain_fails_at_the_call_naming_it_and_the_configured_ones()
    {
        await using var fixture = await CorpusAsync();

        var error = Assert.Throws<UnknownDomainException>(() => fixture.Answerer.AskStreamingAsync(new AskRequest { Question = Question, Domain = "legal" }));

        Assert.Equal("legal", error.Domain);
        Assert.Contains("'legal'", error.Message, StringComparison.Ordinal);
        Assert.Contains("papers, plain, research", error.Message, StringComparison.Ordinal);
    }
}
