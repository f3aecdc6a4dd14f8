using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace RagStack.Api.Tests.OpenAi;

/// <summary>
/// A generator that holds every request until released: a real model cannot be made to wait on cue, and the ask limiter
/// is only visible while answers are in progress.
/// </summary>
public sealed class FakeBlockingChatClient : IChatClient
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _entered;

    /// <summary>How many requests have reached the generator.</summary>
    public int Entered => Volatile.Read(ref _entered);

    /// <summary>Lets every held request, and every later one, finish.</summary>
    public void Release() => _release.TrySetResult();

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _entered);
        await _release.Task.WaitAsync(cancellationToken);
        yield return new ChatResponseUpdate(ChatRole.Assistant, "Water deeply twice a week [1].");
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
