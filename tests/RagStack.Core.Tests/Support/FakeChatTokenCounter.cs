using Microsoft.Extensions.AI;
using RagStack.Generation;

namespace RagStack.Core.Tests.Support;

/// <summary>
/// A deterministic tokenizer for packing tests: one token per whitespace-separated word, plus <see cref="PerMessage"/>
/// per message for the chat template, so budgets can be computed exactly. <see cref="PerSourceSurcharge"/> makes the
/// assembled prompt count more than its parts, as real tokenizers can at the seams.
/// </summary>
internal sealed class FakeChatTokenCounter(int contextLength) : IChatTokenCounter
{
    public const int PerMessage = 3;

    public int ContextLength { get; } = contextLength;

    public int PerSourceSurcharge { get; init; }

    public int CountTokens(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

    public int CountPromptTokens(IEnumerable<ChatMessage> messages) =>
        messages.Sum(m => CountTokens(m.Text) + PerMessage + (PerSourceSurcharge * CountSources(m.Text)));

    private static int CountSources(string text) =>
        text.Split('\n').Count(l => l.StartsWith("=== SOURCE [", StringComparison.Ordinal));
}
