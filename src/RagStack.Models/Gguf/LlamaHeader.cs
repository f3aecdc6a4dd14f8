namespace RagStack.Models.Gguf;

/// <summary>The <c>general.*</c> and <c>llama.*</c> hyperparameters llama.cpp reads to build a dense llama model.</summary>
internal sealed record LlamaHeader(
    string Name, GgufTensorType WeightType, int ContextLength, int EmbeddingLength, int Layers, int FeedForwardLength,
    int Heads, int KvHeads, int HeadDimension, float RmsNormEpsilon, float? RopeFreqBase = null)
{
    /// <summary>Writes the header into <paramref name="writer"/>; key and value lengths only when heads are not embedding / heads wide.</summary>
    public GgufWriter WriteTo(GgufWriter writer)
    {
        writer
            .SetMetadata("general.architecture", GgufValue.Of("llama"))
            .SetMetadata("general.name", GgufValue.Of(Name))
            .SetMetadata("general.file_type", GgufValue.Of(LlamaFileTypes.For(WeightType)))
            .SetMetadata("llama.context_length", GgufValue.Of((uint)ContextLength))
            .SetMetadata("llama.embedding_length", GgufValue.Of((uint)EmbeddingLength))
            .SetMetadata("llama.block_count", GgufValue.Of((uint)Layers))
            .SetMetadata("llama.feed_forward_length", GgufValue.Of((uint)FeedForwardLength))
            .SetMetadata("llama.attention.head_count", GgufValue.Of((uint)Heads))
            .SetMetadata("llama.attention.head_count_kv", GgufValue.Of((uint)KvHeads))
            .SetMetadata("llama.rope.dimension_count", GgufValue.Of((uint)HeadDimension))
            .SetMetadata("llama.attention.layer_norm_rms_epsilon", GgufValue.Of(RmsNormEpsilon));
        if (RopeFreqBase is { } theta)
        {
            writer.SetMetadata("llama.rope.freq_base", GgufValue.Of(theta));
        }

        if (HeadDimension * Heads != EmbeddingLength)
        {
            writer.SetMetadata("llama.attention.key_length", GgufValue.Of((uint)HeadDimension))
                .SetMetadata("llama.attention.value_length", GgufValue.Of((uint)HeadDimension));
        }

        return writer;
    }
}
