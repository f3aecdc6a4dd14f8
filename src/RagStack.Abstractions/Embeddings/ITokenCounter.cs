namespace RagStack.Embeddings;

/// <summary>
/// Counts tokens with a model's own tokenizer, so chunks fit the embedding model's window and are never truncated.
/// </summary>
public interface ITokenCounter
{
    /// <summary>The most tokens of text (special tokens and any query prefix excluded) the model reads at once.</summary>
    int MaxTokens { get; }

    /// <summary>The number of tokens <paramref name="text"/> becomes, special tokens excluded.</summary>
    int CountTokens(string text);
}
