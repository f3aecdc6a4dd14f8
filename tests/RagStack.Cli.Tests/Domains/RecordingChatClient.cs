using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;

namespace RagStack.Cli.Tests.Domains;

/// <summary>Passes every streamed request to a real chat client and records what it was asked and what it replied.</summary>
internal sealed class RecordingChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    public List<(IReadOnlyList<ChatMessage> Messages, ChatOptions? Options, string Reply)> Calls { get; } = [];

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var asked = messages.ToList();
        var reply = new StringBuilder();
        await foreach (var update in base.GetStreamingResponseAsync(asked, options, cancellationToken))
        {
            reply.Append(update.Text);
            yield return update;
        }

        Calls.Add((asked, options?.Clone(), reply.ToString()));
    }
}
