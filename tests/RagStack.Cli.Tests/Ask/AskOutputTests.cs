using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RagStack.Answering;
using RagStack.Cli.Ask;
using RagStack.Cli.Hosting;
using RagStack.Ingestion;
using RagStack.Onnx;

namespace RagStack.Cli.Tests.Ask;

/// <summary>
/// What <c>ragstack ask</c> prints with a generator passed through <c>CliServices.Build</c>, as the LLamaSharp client will
/// be: the CLI's real services and store, a fake generator.
/// </summary>
public sealed class AskOutputTests : IAsyncLifetime
{
    private const string Question = "What does the KV cache keep?";

    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("ragstack-ask-");
    private readonly FakeChatClient _chat = new("The KV cache keeps keys and values [", "1] of earlier tokens [4].");
    private ServiceProvider? _services;

    public async Task InitializeAsync()
    {
        _services = CliServices.Build(DataFolder.Open(_data.FullName, requested: null), chatClient: _chat);
        var text = "# KV cache\n\nThe KV cache keeps the keys and values of earlier tokens so decoding does not recompute them.";
        var request = new IngestRequest { Name = "kv.md", OpenContent = () => new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)) };
        await foreach (var result in _services.GetRequiredService<IDocumentIngestor>().IngestManyAsync([request]))
        {
            Assert.Equal(IngestOutcome.Ingested, result.Outcome);
        }
    }

    public async Task DisposeAsync()
    {
        await _services!.DisposeAsync();
        _data.Delete(recursive: true);
    }

    private async Task<string> AskAsync(AskCommand.Settings settings)
    {
        using var output = new StringWriter();
        await AskCommand.WriteAsync(_services!.GetRequiredService<IAnswerer>(), new AskRequest { Question = Question }, settings, output, CancellationToken.None);
        return output.ToString().ReplaceLineEndings("\n");
    }

    [Fact]
    public async Task The_streamed_answer_is_printed_then_only_its_cited_sources()
    {
        var printed = await AskAsync(new AskCommand.Settings { Question = Question });

        Assert.Equal("The KV cache keeps keys and values [1] of earlier tokens.\n\nSources:\n  [1] kv.md, KV cache\n", printed);
        Assert.Single(_chat.Requests);
    }

    [Fact]
    public async Task The_json_answer_carries_its_kind_sources_and_usage()
    {
        var json = JsonDocument.Parse(await AskAsync(new AskCommand.Settings { Question = Question, Json = true })).RootElement;

        Assert.Equal("generated", json.GetProperty("kind").GetString());
        Assert.Equal("The KV cache keeps keys and values [1] of earlier tokens.", json.GetProperty("text").GetString());
        var source = Assert.Single(json.GetProperty("sources").EnumerateArray());
        Assert.Equal((1, "kv.md", "KV cache"), (source.GetProperty("number").GetInt32(), source.GetProperty("document").GetString(), source.GetProperty("section").GetString()));
        Assert.True(json.GetProperty("usage").GetProperty("promptTokens").GetInt32() > 0);
    }
}
