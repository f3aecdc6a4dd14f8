using System.ClientModel;
using Microsoft.Extensions.AI;
using OpenAI;
using RagStack.Generation;

namespace RagStack.ModelHost.Tests.ChatCompletions;

/// <summary>
/// The host behind Microsoft.Extensions.AI.OpenAI's <see cref="IChatClient"/>, as the RAG API will reach it: the same
/// replies as the local client, so the two are interchangeable.
/// </summary>
[Collection(ModelHostCollection.Name)]
public sealed class OpenAiChatClientTests(ModelHostFixture host)
{
    private const string Prompt = "Tom had a red ball.";

    private IChatClient Client(string model) =>
        new OpenAI.Chat.ChatClient(model, new ApiKeyCredential("x"), new OpenAIClientOptions { Endpoint = new Uri(host.BaseAddress, "/v1") }).AsIChatClient();

    private static ChatOptions Greedy => new() { Temperature = 0, MaxOutputTokens = 30 };

    [Fact]
    public async Task The_remote_chat_client_answers_as_the_local_one()
    {
        var expected = await host.DirectReplyAsync(Prompt, Greedy);
        using var client = Client(ModelHostFixture.BaseId);

        var reply = await client.GetResponseAsync([new ChatMessage(ChatRole.User, Prompt)], Greedy);

        Assert.Equal(expected.Text, reply.Text);
        Assert.Equal(expected.FinishReason, reply.FinishReason);
        Assert.Equal(expected.Usage!.InputTokenCount, reply.Usage!.InputTokenCount);
    }

    [Fact]
    public async Task The_remote_chat_client_streams_the_local_reply_through_an_adapter()
    {
        var expected = await host.DirectReplyAsync(Prompt, Greedy.WithAdapter(ModelHostFixture.Adapter));
        using var client = Client(ModelHostFixture.AdapterId);

        var reply = await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, Prompt)], Greedy).ToChatResponseAsync();

        Assert.Equal(expected.Text, reply.Text);
        Assert.Equal(expected.Usage!.OutputTokenCount, reply.Usage!.OutputTokenCount);
    }
}
