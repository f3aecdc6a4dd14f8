using System.ClientModel.Primitives;
using System.Text;
using System.Text.Json;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using static RagStack.Api.Tests.OpenAi.KestrelApiFixture;

namespace RagStack.Api.Tests.OpenAi;

/// <summary>The service as Semantic Kernel's OpenAI chat connector sees it, over real Kestrel.</summary>
[Collection(KestrelApiCollection.Name)]
public sealed class SemanticKernelTests(KestrelApiFixture api)
{
    private static ChatHistory Question(string question)
    {
        var history = new ChatHistory();
        history.AddUserMessage(question);
        return history;
    }

    [Fact]
    public async Task A_kernel_chat_service_gets_a_grounded_answer_with_its_sources()
    {
        var kernel = Kernel.CreateBuilder().AddOpenAIChatCompletion("legal", api.V1, "x").Build();
        var chat = kernel.GetRequiredService<IChatCompletionService>();

        var reply = await chat.GetChatMessageContentAsync(Question("How much notice ends the lease?"), kernel: kernel);

        Assert.Contains("three months' written notice", reply.Content, StringComparison.Ordinal);
        // The connector's inner content is the OpenAI SDK's completion, which keeps the extension field.
        using var json = JsonDocument.Parse(ModelReaderWriter.Write(Assert.IsType<OpenAI.Chat.ChatCompletion>(reply.InnerContent)));
        Assert.Equal(ApiFixture.ContractDocument, SourceDocuments(json.RootElement)[0]);
    }

    [Fact]
    public async Task The_connector_streams_a_grounded_answer()
    {
        // The endpoint constructor is marked experimental; it is the one that reaches a server other than OpenAI's.
#pragma warning disable SKEXP0010
        var chat = new OpenAIChatCompletionService("default", api.V1, "x");
#pragma warning restore SKEXP0010
        var text = new StringBuilder();

        await foreach (var part in chat.GetStreamingChatMessageContentsAsync(Question("How often should tomato plants be watered?")))
        {
            text.Append(part.Content);
        }

        Assert.Contains("deep watering twice a week", text.ToString(), StringComparison.Ordinal);
    }
}
