using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using RagStack.Answering;
using RagStack.Cli.Hosting;
using RagStack.Domains;
using RagStack.Generation;
using RagStack.Ingestion;
using RagStack.LlamaSharp;
using RagStack.LlamaSharp.Tests.Adapters;
using RagStack.Models.Gguf;
using RagStack.Onnx;

namespace RagStack.Cli.Tests.Domains;

/// <summary>
/// Domains end to end on real llama.cpp: a synthetic model (random weights, written here, so it runs everywhere) with
/// random LoRA adapters that change its greedy output, domains configured in the data folder's ragstack.json, and the
/// real Answerer on the real embedded store. What an ask returns is compared with what the chat client gives directly.
/// </summary>
public sealed class DomainAnswersTests : IDisposable
{
    private const string Question = "How much notice must the tenant give to end the lease?";
    // The built-in byte-level vocabulary makes the answer prompt about one token per character.
    private static readonly SyntheticLlamaSpec Spec = new() { ContextLength = 2048 };

    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("ragstack-domains-");

    public void Dispose() => _data.Delete(recursive: true);

    private string File(string name) => Path.Combine(_data.FullName, name);

    private static ChatOptions WithoutAdapter(ChatOptions options)
    {
        var copy = options.Clone();
        copy.AdditionalProperties?.Remove(AdapterSelection.Adapter);
        copy.AdditionalProperties?.Remove(AdapterSelection.AdapterScale);
        return copy;
    }

    [Fact]
    public async Task A_domain_configured_with_an_adapter_answers_through_it_and_one_without_or_overridden_does_not()
    {
        SyntheticLlama.Write(File("model.gguf"), Spec);
        TestLoraAdapters.Write(File("legal.gguf"), Spec, seed: 1);
        TestLoraAdapters.Write(File("other.gguf"), Spec, seed: 2);
        var folder = DataFolder.Open(_data.FullName, requested: null);
        CliConfiguration.Update(folder.SettingsFile, root =>
        {
            var domains = CliConfiguration.DomainsObject(root, create: true)!;
            domains["legal"] = new JsonObject { ["Index"] = "contracts", ["Adapter"] = File("legal.gguf") };
            domains["general"] = new JsonObject { ["Index"] = "contracts" };
            return true;
        });
        using var llama = LlamaChatClient.Load(new LlamaModelOptions { ModelPath = File("model.gguf"), ContextLength = 2048, MaxParallelRequests = 1, Threads = 2 });
        Assert.Equal(["legal"], llama.Adapters.AddDomains(CliConfiguration.Domains(CliConfiguration.Load(folder))));
        llama.Adapters.Add("other", File("other.gguf"));
        var recorder = new RecordingChatClient(llama);
        await using var services = CliServices.Build(folder, chatClient: recorder);
        var lease = new IngestRequest
        {
            Name = "lease.md",
            Index = "contracts",
            OpenContent = () => new MemoryStream("# Lease\n\nThe tenant may end the lease with three months' notice in writing."u8.ToArray()),
        };
        await foreach (var result in services.GetRequiredService<IDocumentIngestor>().IngestManyAsync([lease]))
        {
            Assert.Equal(IngestOutcome.Ingested, result.Outcome);
        }

        var answerer = services.GetRequiredService<IAnswerer>();
        AskRequest Ask(string domain, string? adapter = null) => new() { Question = Question, Domain = domain, Adapter = adapter, Temperature = 0, MaxOutputTokens = 16 };

        var adapted = await answerer.AskAsync(Ask("legal"));
        var (messages, options, reply) = recorder.Calls[0];
        var direct = (await llama.GetResponseAsync(messages, WithoutAdapter(options!).WithAdapter("legal"))).Text;
        var baseline = (await llama.GetResponseAsync(messages, WithoutAdapter(options!))).Text;

        Assert.Equal(AnswerKind.Generated, adapted.Kind);
        Assert.Equal("contracts", adapted.Index);
        Assert.Equal(new AnswerAdapter("legal", 1f), adapted.Adapter);
        Assert.NotEmpty(reply);
        Assert.Equal(direct, reply);
        Assert.NotEqual(baseline, reply);

        var plain = await answerer.AskAsync(Ask("general"));
        Assert.Null(plain.Adapter);
        Assert.Equal(messages.Select(m => (m.Role, m.Text)), recorder.Calls[1].Messages.Select(m => (m.Role, m.Text)));
        Assert.Equal(baseline, recorder.Calls[1].Reply);

        var overridden = await answerer.AskAsync(Ask("legal", adapter: "other"));
        Assert.Equal(new AnswerAdapter("other", 1f), overridden.Adapter);
        Assert.Equal((await llama.GetResponseAsync(messages, WithoutAdapter(options!).WithAdapter("other"))).Text, recorder.Calls[2].Reply);
        Assert.NotEqual(reply, recorder.Calls[2].Reply);
    }

    [Fact]
    public void A_domains_adapter_for_another_model_or_missing_is_refused_naming_domain_and_file_and_nothing_is_loaded()
    {
        SyntheticLlama.Write(File("model.gguf"), Spec);
        TestLoraAdapters.Write(File("good.gguf"), Spec, seed: 1);
        TestLoraAdapters.Write(File("wide.gguf"), new SyntheticLlamaSpec { EmbeddingLength = 128, FeedForwardLength = 256 }, seed: 3);
        using var llama = LlamaChatClient.Load(new LlamaModelOptions { ModelPath = File("model.gguf"), ContextLength = 2048, MaxParallelRequests = 1, Threads = 2 });

        var mismatch = Assert.Throws<DomainAdapterException>(() => llama.Adapters.AddDomains(new DomainsOptions
        {
            ["a-good"] = new DomainOptions { Adapter = File("good.gguf") },
            ["legal"] = new DomainOptions { Adapter = File("wide.gguf") },
        }));
        var missing = Assert.Throws<DomainAdapterException>(() => llama.Adapters.AddDomains(new DomainsOptions { ["ops"] = new DomainOptions { Adapter = File("gone.gguf") } }));

        Assert.Equal("legal", mismatch.Domain);
        Assert.StartsWith(File("wide.gguf") + ": ", mismatch.Message, StringComparison.Ordinal);
        Assert.Contains("another base model", mismatch.Message, StringComparison.Ordinal);
        Assert.EndsWith("(domain 'legal')", mismatch.Message, StringComparison.Ordinal);
        Assert.Equal($"{File("gone.gguf")}: adapter file not found. (domain 'ops')", missing.Message);
        Assert.Empty(llama.Adapters.Names);
    }
}
