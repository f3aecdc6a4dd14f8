namespace RagStack.Models.Gguf;

/// <summary>The shape of a Llama-architecture model with random weights, for tests and speed benchmarks that need a real llama.cpp model but no download.</summary>
internal sealed record SyntheticLlamaSpec
{
    /// <summary>Hidden size (<c>llama.embedding_length</c>); must divide by <see cref="Heads"/>.</summary>
    public int EmbeddingLength { get; init; } = 64;

    /// <summary>Number of transformer blocks.</summary>
    public int Layers { get; init; } = 2;

    /// <summary>Attention heads.</summary>
    public int Heads { get; init; } = 4;

    /// <summary>Key/value heads (grouped-query attention when fewer than <see cref="Heads"/>, which they must divide).</summary>
    public int KvHeads { get; init; } = 4;

    /// <summary>Inner size of the feed-forward block.</summary>
    public int FeedForwardLength { get; init; } = 128;

    /// <summary>Training context length the model declares.</summary>
    public int ContextLength { get; init; } = 512;

    /// <summary>Type of the weight matrices: F32, F16 or BF16 (norm weights are always F32, as llama.cpp expects).</summary>
    public GgufTensorType WeightType { get; init; } = GgufTensorType.F32;

    /// <summary>A GGUF file whose <c>tokenizer.*</c> metadata is copied (e.g. a vocab-only GGUF); null for a small built-in byte-level SentencePiece vocabulary.</summary>
    public string? VocabularyPath { get; init; }

    /// <summary>
    /// Control tokens added to the built-in vocabulary after its own, e.g. ChatML's <c>&lt;|im_start|&gt;</c> and
    /// <c>&lt;|im_end|&gt;</c>; ignored with <see cref="VocabularyPath"/>, whose tokens are copied as they are.
    /// </summary>
    public IReadOnlyList<string> ControlTokens { get; init; } = [];

    /// <summary>Seed of the random weights; the same spec always gives the same file.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Jinja chat template written as <c>tokenizer.chat_template</c>; null keeps the vocabulary file's, if any.</summary>
    public string? ChatTemplate { get; init; }

    /// <summary>The model's <c>general.name</c>.</summary>
    public string Name { get; init; } = "synthetic-llama";

    /// <summary>A GPT-2-small-sized Llama (768 wide, 12 layers, 12 heads, feed-forward 3072, context 2048) in F16, with the given vocabulary.</summary>
    public static SyntheticLlamaSpec Llama125M(string vocabularyPath) => new()
    {
        EmbeddingLength = 768,
        Layers = 12,
        Heads = 12,
        KvHeads = 12,
        FeedForwardLength = 3072,
        ContextLength = 2048,
        WeightType = GgufTensorType.F16,
        VocabularyPath = vocabularyPath ?? throw new ArgumentNullException(nameof(vocabularyPath)),
        Name = "synthetic-llama-125m",
    };

    /// <summary>Dimension of one attention head.</summary>
    public int HeadDimension => EmbeddingLength / Heads;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting llama.cpp could not load.</summary>
    public void Validate()
    {
        Require(EmbeddingLength > 0 && Layers > 0 && Heads > 0 && KvHeads > 0 && FeedForwardLength > 0 && ContextLength > 0,
            "all sizes must be positive");
        Require(EmbeddingLength % Heads == 0, $"EmbeddingLength {EmbeddingLength} must be a multiple of Heads {Heads}");
        Require(Heads % KvHeads == 0, $"Heads {Heads} must be a multiple of KvHeads {KvHeads}");
        Require(HeadDimension % 2 == 0, $"the head dimension {HeadDimension} must be even for rotary embeddings");
        Require(WeightType is GgufTensorType.F32 or GgufTensorType.F16 or GgufTensorType.BF16,
            $"WeightType must be F32, F16 or BF16, not {WeightType}; quantize the written model with GgufQuantizer");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException($"Invalid synthetic model: {message}.");
        }
    }
}
