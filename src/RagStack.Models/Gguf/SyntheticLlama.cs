using System.Buffers;

namespace RagStack.Models.Gguf;

/// <summary>Writes Llama-architecture GGUF models with random weights that llama.cpp loads and runs, so tests and benchmarks need no downloaded model.</summary>
internal static class SyntheticLlama
{
    private const float WeightStd = 0.02f;
    private const int ChunkElements = 1 << 16;

    /// <summary>Writes a model of <paramref name="spec"/>'s shape to <paramref name="path"/>, streaming each tensor so memory stays small at any size.</summary>
    /// <exception cref="ArgumentException">The spec is not a shape llama.cpp can load.</exception>
    /// <exception cref="GgufFormatException">The vocabulary file is not a usable GGUF file or has no tokens.</exception>
    public static void Write(string path, SyntheticLlamaSpec spec)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();

        var writer = new GgufWriter()
            .SetMetadata("general.architecture", GgufValue.Of("llama"))
            .SetMetadata("general.name", GgufValue.Of(spec.Name))
            .SetMetadata("general.file_type", GgufValue.Of(LlamaFileTypes.For(spec.WeightType)))
            .SetMetadata("llama.context_length", GgufValue.Of((uint)spec.ContextLength))
            .SetMetadata("llama.embedding_length", GgufValue.Of((uint)spec.EmbeddingLength))
            .SetMetadata("llama.block_count", GgufValue.Of((uint)spec.Layers))
            .SetMetadata("llama.feed_forward_length", GgufValue.Of((uint)spec.FeedForwardLength))
            .SetMetadata("llama.attention.head_count", GgufValue.Of((uint)spec.Heads))
            .SetMetadata("llama.attention.head_count_kv", GgufValue.Of((uint)spec.KvHeads))
            .SetMetadata("llama.rope.dimension_count", GgufValue.Of((uint)spec.HeadDimension))
            .SetMetadata("llama.attention.layer_norm_rms_epsilon", GgufValue.Of(1e-5f));

        var vocabularySize = spec.VocabularyPath is null ? AddBuiltInVocabulary(writer, spec.ControlTokens) : GgufVocabulary.Copy(writer, spec.VocabularyPath);
        writer.SetMetadata("llama.vocab_size", GgufValue.Of((uint)vocabularySize));
        if (spec.ChatTemplate is not null)
        {
            writer.SetMetadata("tokenizer.chat_template", GgufValue.Of(spec.ChatTemplate));
        }

        var e = spec.EmbeddingLength;
        var kv = spec.HeadDimension * spec.KvHeads;
        var ff = spec.FeedForwardLength;

        // ggml shapes list the row length first: a [e, vocab] matrix is vocab rows of e weights.
        Random(writer, spec, "token_embd.weight", e, vocabularySize);
        Ones(writer, "output_norm.weight", e);
        Random(writer, spec, "output.weight", e, vocabularySize);
        for (var layer = 0; layer < spec.Layers; layer++)
        {
            var block = $"blk.{layer}.";
            Ones(writer, block + "attn_norm.weight", e);
            Random(writer, spec, block + "attn_q.weight", e, e);
            Random(writer, spec, block + "attn_k.weight", e, kv);
            Random(writer, spec, block + "attn_v.weight", e, kv);
            Random(writer, spec, block + "attn_output.weight", e, e);
            Ones(writer, block + "ffn_norm.weight", e);
            Random(writer, spec, block + "ffn_gate.weight", e, ff);
            Random(writer, spec, block + "ffn_up.weight", e, ff);
            Random(writer, spec, block + "ffn_down.weight", ff, e);
        }

        writer.Write(path);
    }

    private static int AddBuiltInVocabulary(GgufWriter writer, IReadOnlyList<string> controlTokens)
    {
        var vocabulary = BuiltInVocabulary.Create(controlTokens);
        writer
            .SetMetadata("tokenizer.ggml.model", GgufValue.Of("llama"))
            .SetMetadata("tokenizer.ggml.tokens", GgufValue.Of(vocabulary.Tokens))
            .SetMetadata("tokenizer.ggml.scores", GgufValue.Of(vocabulary.Scores))
            .SetMetadata("tokenizer.ggml.token_type", GgufValue.Of(vocabulary.TokenTypes))
            .SetMetadata("tokenizer.ggml.unknown_token_id", GgufValue.Of(BuiltInVocabulary.Unknown))
            .SetMetadata("tokenizer.ggml.bos_token_id", GgufValue.Of(BuiltInVocabulary.Bos))
            .SetMetadata("tokenizer.ggml.eos_token_id", GgufValue.Of(BuiltInVocabulary.Eos))
            .SetMetadata("tokenizer.ggml.add_bos_token", GgufValue.Of(true))
            .SetMetadata("tokenizer.ggml.add_eos_token", GgufValue.Of(false));
        return vocabulary.Tokens.Length;
    }

    private static void Ones(GgufWriter writer, string name, int length) =>
        writer.AddTensor(name, [length], GgufTensorType.F32, Enumerable.Repeat(1f, length).ToArray());

    private static void Random(GgufWriter writer, SyntheticLlamaSpec spec, string name, int rowLength, int rows)
    {
        var type = spec.WeightType;
        var count = (long)rowLength * rows;

        // Each tensor's stream depends only on the seed and its name, so changing one dimension does not reshuffle the rest.
        var state = (ulong)(uint)spec.Seed * 0x9E3779B97F4A7C15UL ^ Fnv1a(name);
        writer.AddTensor(name, [rowLength, rows], type, stream =>
        {
            var elementBytes = GgufFloats.ElementBytes(type);
            var values = ArrayPool<float>.Shared.Rent(ChunkElements);
            var bytes = ArrayPool<byte>.Shared.Rent(ChunkElements * elementBytes);
            try
            {
                for (var done = 0L; done < count; done += ChunkElements)
                {
                    var n = (int)Math.Min(ChunkElements, count - done);
                    FillNormalish(values.AsSpan(0, n), ref state);
                    GgufFloats.Encode(values.AsSpan(0, n), type, bytes.AsSpan(0, n * elementBytes));
                    stream.Write(bytes, 0, n * elementBytes);
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(values);
                ArrayPool<byte>.Shared.Return(bytes);
            }
        });
    }

    /// <summary>Sum of four 16-bit uniforms from one SplitMix64 draw (Irwin–Hall): bell-shaped, bounded, and about ten times cheaper than Box–Muller at 125M weights.</summary>
    private static void FillNormalish(Span<float> values, ref ulong state)
    {
        // The sum of four U(0,1) has mean 2 and standard deviation sqrt(4/12).
        const float Scale = WeightStd / 0.57735027f / 65536f;
        for (var i = 0; i < values.Length; i++)
        {
            state += 0x9E3779B97F4A7C15UL;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            var sum = (long)(z & 0xFFFF) + (long)((z >> 16) & 0xFFFF) + (long)((z >> 32) & 0xFFFF) + (long)(z >> 48);
            values[i] = (sum - 2 * 65536) * Scale;
        }
    }

    private static ulong Fnv1a(string text)
    {
        var hash = 0xCBF29CE484222325UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 0x100000001B3UL;
        }

        return hash;
    }
}
