using Microsoft.Extensions.AI;

namespace RagStack.Embeddings;

/// <summary>
/// Tells an embedding generator whether it embeds search queries or documents, for models (such as Arctic)
/// that prefix queries with an instruction. Carried in <see cref="EmbeddingGenerationOptions.AdditionalProperties"/>
/// under <see cref="PropertyName"/>, as OpenAI-compatible servers carry <c>input_type</c>.
/// </summary>
public static class EmbeddingPurpose
{
    public const string PropertyName = "input_type";
    public const string Query = "query";
    public const string Document = "document";

    /// <summary>Options that mark the inputs as search queries.</summary>
    public static EmbeddingGenerationOptions ForQueries() => new() { AdditionalProperties = new() { [PropertyName] = Query } };

    /// <summary>True when <paramref name="options"/> marks the inputs as search queries.</summary>
    public static bool IsQuery(EmbeddingGenerationOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(PropertyName, out var value) == true && value is string s && s == Query;
}
