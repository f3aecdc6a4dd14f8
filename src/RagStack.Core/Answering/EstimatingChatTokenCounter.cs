using System.Text;
using Microsoft.Extensions.AI;
using RagStack.Generation;

namespace RagStack.Answering;

/// <summary>
/// Counts tokens for a chat client that offers no tokenizer (a remote OpenAI-compatible server). It must never count
/// fewer tokens than the model will see, so it over-counts: BPE vocabularies average about 4 characters per English
/// token and about one token per CJK character (3 UTF-8 bytes), so UTF-8 bytes / 3 is at or above both; each message
/// adds 8 tokens for the chat template's role markers, and the prompt 8 more for the start and the reply header.
/// </summary>
internal sealed class EstimatingChatTokenCounter(int contextLength) : IChatTokenCounter
{
    internal const int PerMessageTokens = 8;

    public int ContextLength { get; } = contextLength;

    public int CountTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return (Encoding.UTF8.GetByteCount(text) + 2) / 3;
    }

    public int CountPromptTokens(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return PerMessageTokens + messages.Sum(m => CountTokens(m.Text) + PerMessageTokens);
    }
}
