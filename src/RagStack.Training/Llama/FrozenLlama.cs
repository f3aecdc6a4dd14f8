using System.Globalization;
using RagStack.Models.Gguf;

namespace RagStack.Training.Llama;

/// <summary>The sizes of a llama model, read from its GGUF metadata.</summary>
internal sealed record LlamaShape(int Embedding, int Layers, int Heads, int KvHeads, int FeedForward, int Vocabulary, int RotaryDimensions, double RopeBase, double RmsEpsilon)
{
    public int HeadDimension => Embedding / Heads;

    public int KvWidth => KvHeads * HeadDimension;
}

/// <summary>One transformer block's frozen weights, row-major [out][in] as ggml stores them.</summary>
internal sealed record FrozenBlock(float[] AttentionNorm, float[] Query, float[] Key, float[] Value, float[] AttentionOutput, float[] FeedForwardNorm, float[] Gate, float[] Up, float[] Down);

/// <summary>A llama model's weights read from GGUF as floats (F16, BF16 and Q8_0 decoded), which training leaves unchanged.</summary>
internal sealed class FrozenLlama
{
    private static readonly GgufTensorType[] Readable = [GgufTensorType.F32, GgufTensorType.F16, GgufTensorType.BF16, GgufTensorType.Q8_0];

    private FrozenLlama(LlamaShape shape, float[] tokenEmbedding, float[] outputNorm, float[] output, FrozenBlock[] blocks, long parameterCount)
    {
        Shape = shape;
        TokenEmbedding = tokenEmbedding;
        OutputNorm = outputNorm;
        Output = output;
        Blocks = blocks;
        ParameterCount = parameterCount;
    }

    public LlamaShape Shape { get; }

    public float[] TokenEmbedding { get; }

    public float[] OutputNorm { get; }

    /// <summary>The output projection; the token embedding itself when the model ties them.</summary>
    public float[] Output { get; }

    public IReadOnlyList<FrozenBlock> Blocks { get; }

    /// <summary>Every weight in the file, counted once (a tied output is not counted twice).</summary>
    public long ParameterCount { get; }

    /// <exception cref="TrainingModelException">The file is missing, not llama, or holds weights of a type this reader cannot decode.</exception>
    /// <exception cref="GgufFormatException">The file is not a readable GGUF file.</exception>
    public static FrozenLlama Load(string path)
    {
        var (file, shape) = Inspect(path);

        float[] Read(string name, params long[] expected)
        {
            if (!file.TryGetTensor(name, out var tensor))
            {
                throw new TrainingModelException(path, $"has no {name} tensor");
            }

            if (!tensor.Shape.SequenceEqual(expected))
            {
                throw new TrainingModelException(path, $"{name} has shape [{string.Join(", ", tensor.Shape)}], expected [{string.Join(", ", expected)}]");
            }

            return file.ReadTensorAsFloats(name);
        }

        var (e, kv, ff) = (shape.Embedding, shape.KvWidth, shape.FeedForward);
        var tokenEmbedding = Read("token_embd.weight", e, shape.Vocabulary);
        var output = file.TryGetTensor("output.weight", out _) ? Read("output.weight", e, shape.Vocabulary) : tokenEmbedding;
        var blocks = new FrozenBlock[shape.Layers];
        for (var layer = 0; layer < shape.Layers; layer++)
        {
            var block = $"blk.{layer.ToString(CultureInfo.InvariantCulture)}.";
            blocks[layer] = new FrozenBlock(
                Read(block + "attn_norm.weight", e),
                Read(block + "attn_q.weight", e, e),
                Read(block + "attn_k.weight", e, kv),
                Read(block + "attn_v.weight", e, kv),
                Read(block + "attn_output.weight", e, e),
                Read(block + "ffn_norm.weight", e),
                Read(block + "ffn_gate.weight", e, ff),
                Read(block + "ffn_up.weight", e, ff),
                Read(block + "ffn_down.weight", ff, e));
        }

        return new FrozenLlama(shape, tokenEmbedding, Read("output_norm.weight", e), output, blocks, file.Tensors.Sum(t => t.ElementCount));
    }

    /// <summary>Checks the metadata and tensor types without reading any weights.</summary>
    /// <exception cref="TrainingModelException">The file is missing, not llama, or holds weights of a type this reader cannot decode.</exception>
    /// <exception cref="GgufFormatException">The file is not a readable GGUF file.</exception>
    public static (GgufFile File, LlamaShape Shape) Inspect(string path)
    {
        if (!File.Exists(path))
        {
            throw new TrainingModelException(path, "the base model file does not exist");
        }

        var file = GgufFile.Read(path);
        var architecture = file.Metadata.TryGetValue("general.architecture", out var a) ? a.AsString() : "(none)";
        if (architecture != "llama")
        {
            throw new TrainingModelException(path, $"is a '{architecture}' model; the .NET trainer handles llama models only (use the PEFT script for others)");
        }

        if (file.Metadata.TryGetValue("general.type", out var type) && type.AsString() != "model")
        {
            throw new TrainingModelException(path, $"is a '{type.AsString()}' file, not a base model");
        }

        var unreadable = file.Tensors.FirstOrDefault(t => !Readable.Contains(t.Type));
        if (unreadable is not null)
        {
            throw new TrainingModelException(path, $"tensor {unreadable.Name} is {unreadable.Type}; the .NET trainer reads F32, F16, BF16 and Q8_0 weights (train on the F16 or Q8_0 file)");
        }

        int Int(string key, int? fallback = null) => file.Metadata.TryGetValue("llama." + key, out var value)
            ? checked((int)value.AsInt64())
            : fallback ?? throw new TrainingModelException(path, $"has no llama.{key} metadata");

        if (!file.TryGetTensor("token_embd.weight", out var embedding) || embedding.Shape.Count != 2)
        {
            throw new TrainingModelException(path, "has no token_embd.weight matrix");
        }

        var embeddingLength = Int("embedding_length");
        var heads = Int("attention.head_count");
        var kvHeads = Int("attention.head_count_kv", heads);
        if (heads <= 0 || embeddingLength % heads != 0 || kvHeads <= 0 || heads % kvHeads != 0)
        {
            throw new TrainingModelException(path, $"has {heads} heads, {kvHeads} KV heads and width {embeddingLength}, which do not divide");
        }

        var shape = new LlamaShape(
            embeddingLength,
            Int("block_count"),
            heads,
            kvHeads,
            Int("feed_forward_length"),
            checked((int)embedding.Shape[1]),
            Int("rope.dimension_count", embeddingLength / heads),
            file.Metadata.TryGetValue("llama.rope.freq_base", out var ropeBase) ? ropeBase.AsDouble() : 10000.0,
            file.Metadata.TryGetValue("llama.attention.layer_norm_rms_epsilon", out var epsilon) ? epsilon.AsDouble() : 1e-5);

        return (file, shape);
    }
}
