using Microsoft.Extensions.AI;

namespace RagStack.SemanticKernel.Tests;

/// <summary>A model stand-in that records the messages a rendered prompt became and answers with a fixed reply.</summary>
internal sealed class FakeRecordingChatClient(string reply) : FakeChatClient
{
    public IReadOnlyList<ChatMessage> Messages { get; private set; } = [];

    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Messages = [.. messages];
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, reply)));
    }
}
