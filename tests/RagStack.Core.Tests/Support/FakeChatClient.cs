using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using RagStack.Generation;

namespace RagStack.Core.Tests.Support;

/// <summary>
/// Stands in for a generator model, which cannot run in unit tests: streams the given pieces of text in order, records
/// the messages and options it got, and offers a token counter when given one. With <see cref="HangAfter"/> set it stops
/// after that many pieces and waits for cancellation, like a model that is slow to produce its next token.
/// </summary>
internal sealed class FakeChatClient(IReadOnlyList<string> pieces, IChatTokenCounter? counter = null) : IChatClient
{
    public List<IReadOnlyList<ChatMessage>> Requests { get; } = [];

    public List<ChatOptions?> Options { get; } = [];

    public int? HangAfter { get; init; }

    public UsageDetails? Usage { get; init; }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Requests.Add(messages.ToList());
        Options.Add(options);
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, string.Concat(pieces))));
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Requests.Add(messages.ToList());
        Options.Add(options);
        for (var i = 0; i < pieces.Count; i++)
        {
            if (i == HangAfter)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, pieces[i]);
        }

        if (Usage is { } usage)
        {
            yield return new ChatResponseUpdate { Role = ChatRole.Assistant, Contents = [new UsageContent(usage)] };
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && counter is not null && serviceType == typeof(IChatTokenCounter) ? counter
        : serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }
}
