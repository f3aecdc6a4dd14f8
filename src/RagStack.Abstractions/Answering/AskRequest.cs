using Microsoft.Extensions.AI;

namespace RagStack.Answering;

/// <summary>A question to answer from an index's documents, with the filters and generation settings that apply to it.</summary>
public sealed record AskRequest
{
    /// <summary>The question, in the user's words.</summary>
    public required string Question { get; init; }

    /// <summary>The index (collection) to answer from; null for the domain's index, or <c>default</c> without a domain.</summary>
    public string? Index { get; init; }

    /// <summary>
    /// The domain (<c>RagStack:Domains:&lt;name&gt;</c>) the question belongs to: it chooses the index (unless
    /// <see cref="Index"/> is set), the adapter the answer is written with and instructions added to the prompt. Null for none.
    /// </summary>
    public string? Domain { get; init; }

    /// <summary>
    /// The name of a LoRA adapter loaded in the generator to answer with, overriding the domain's; null for the domain's
    /// adapter, or the base model. Ignored by extractive answers.
    /// </summary>
    public string? Adapter { get; init; }

    /// <summary>The adapter's scale, overriding the domain's; null for the domain's scale, or 1 for an explicit <see cref="Adapter"/>.</summary>
    public float? AdapterScale { get; init; }

    /// <summary>The tenant whose documents may be used; applied inside the store, before ranking.</summary>
    public string Tenant { get; init; } = "local";

    /// <summary>How many retrieved chunks are offered to the context packer, best first; fewer may fit the model's window.</summary>
    public int Top { get; init; } = 8;

    /// <summary>Only chunks of documents with one of these tags; null for all.</summary>
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>Only chunks of these documents; null for all.</summary>
    public IReadOnlyList<string>? DocumentIds { get; init; }

    /// <summary>Earlier turns of the conversation, oldest first; sent to the generator before the question. Retrieval uses the question alone.</summary>
    public IReadOnlyList<ChatMessage>? History { get; init; }

    /// <summary>The most tokens the answer may have; null for <c>AnsweringOptions.MaxOutputTokens</c>.</summary>
    public int? MaxOutputTokens { get; init; }

    /// <summary>Sampling temperature for the generator; null for the model's default.</summary>
    public float? Temperature { get; init; }
}
