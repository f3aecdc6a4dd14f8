using RagStack.Client.Tests;
using RagStack.Samples.KernelChat;

namespace RagStack.SemanticKernel.Tests;

/// <summary>
/// The sample console app end to end against the real API on loopback; its chat server is the API's own
/// OpenAI-compatible RAG chat, the one OpenAI-compatible server that runs here without a model.
/// </summary>
[Collection(StacksCollection.Name)]
public sealed class KernelChatSampleTests(Stacks stacks)
{
    private const string Question = "How much notice ends the lease?";

    [Fact]
    public async Task The_sample_gets_a_cited_answer_directly_and_through_an_openai_compatible_chat_service()
    {
        var api = stacks.Server.BaseUri;
        var settings = KernelChatSettings.Parse(
            ["--api", api.ToString(), "--api-key", ApiServer.ApiKey, "--question", Question,
             "--chat-endpoint", new Uri(api, "/v1").ToString(), "--chat-model", "default", "--chat-key", ApiServer.ApiKey]);
        using var output = new StringWriter();

        await KernelChatSample.RunAsync(settings, output, CancellationToken.None);

        var text = output.ToString();
        var chat = text.IndexOf("== default at ", StringComparison.Ordinal);
        Assert.True(chat > 0, text);
        var direct = text[..chat];
        Assert.StartsWith("== rag.ask, invoked directly ==", direct, StringComparison.Ordinal);
        Assert.Contains("three months' written notice", direct, StringComparison.Ordinal);
        Assert.Contains("Sources:\n[1] lease.md, Office lease › Termination", direct, StringComparison.Ordinal);
        Assert.Contains("three months' written notice", text[chat..], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_samples_chat_model_calls_rag_ask_through_the_openai_connector_and_replies_with_its_cited_sources()
    {
        await using var model = new FakeOpenAiChatServer("rag-ask");
        await model.StartAsync();
        var settings = KernelChatSettings.Parse(
            ["--api", stacks.Server.BaseUri.ToString(), "--api-key", ApiServer.ApiKey, "--question", Question,
             "--chat-endpoint", model.V1.ToString(), "--chat-model", "fake"]);
        using var output = new StringWriter();

        await KernelChatSample.RunAsync(settings, output, CancellationToken.None);

        Assert.Contains("rag-ask", model.OfferedTools);
        Assert.Contains("rag-search", model.OfferedTools);
        Assert.NotNull(model.ToolResult);
        Assert.Contains("Sources:\n[1] lease.md, Office lease › Termination", model.ToolResult, StringComparison.Ordinal);
        var reply = output.ToString()[output.ToString().IndexOf("== fake at ", StringComparison.Ordinal)..];
        Assert.Contains("From your documents:", reply, StringComparison.Ordinal);
        Assert.Contains("[1] lease.md", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_chat_endpoint_the_sample_answers_directly_and_says_it_skipped_the_loop()
    {
        var settings = KernelChatSettings.Parse(["--api", stacks.Server.BaseUri.ToString(), "--api-key", ApiServer.ApiKey, "--question", Question]);
        using var output = new StringWriter();

        await KernelChatSample.RunAsync(settings, output, CancellationToken.None);

        Assert.Contains("[1] lease.md", output.ToString(), StringComparison.Ordinal);
        Assert.EndsWith("the function-calling loop is skipped)" + Environment.NewLine, output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_option_is_refused_by_name()
    {
        var e = Assert.Throws<ArgumentException>(() => KernelChatSettings.Parse(["--model", "x"]));

        Assert.Contains("'--model'", e.Message, StringComparison.Ordinal);
    }
}
