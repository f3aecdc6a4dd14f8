using Microsoft.Extensions.AI;

namespace RagStack.Generation;

/// <summary>
/// A generator model's tokenizer and window, offered by a chat client through <c>GetService(typeof(IChatTokenCounter))</c>,
/// so prompts are packed to what the model can read instead of failing at its context limit.
/// </summary>
public interface IChatTokenCounter
{
    /// <summary>The most tokens one request may hold: prompt and generated tokens together.</summary>
    int ContextLength { get; }

    /// <summary>The number of tokens <paramref name="text"/> becomes, with no special tokens added.</summary>
    int CountTokens(string text);

    /// <summary>The number of tokens the whole prompt becomes once the model's chat template is applied, ready for the reply.</summary>
    int CountPromptTokens(IEnumerable<ChatMessage> messages);
}
