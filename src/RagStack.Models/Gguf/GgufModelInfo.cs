namespace RagStack.Models.Gguf;

/// <summary>What a GGUF model is, at a glance: architecture, size, quantization and tokenizer, read from its header without loading weights.</summary>
public sealed record GgufModelInfo
{
    /// <summary>The file the facts were read from.</summary>
    public required string Path { get; init; }

    /// <summary><c>general.architecture</c>, e.g. "llama".</summary>
    public required string Architecture { get; init; }

    /// <summary><c>general.name</c>, if the file has one.</summary>
    public string? Name { get; init; }

    /// <summary>Number of weights: the element counts of all tensors added up.</summary>
    public required long ParameterCount { get; init; }

    /// <summary>llama.cpp's name for <c>general.file_type</c> ("F32", "F16", "Q8_0", "Q4_K_M", …), or "unknown" when the file does not say.</summary>
    public required string FileType { get; init; }

    /// <summary>How many tensors have each element type.</summary>
    public required IReadOnlyDictionary<GgufTensorType, int> TensorTypeCounts { get; init; }

    /// <summary>Average bits per weight over all tensor data (32 for an all-F32 model, about 4.9 for Q4_K_M).</summary>
    public required double BitsPerWeight { get; init; }

    /// <summary>Size of the file in bytes.</summary>
    public required long FileSize { get; init; }

    /// <summary>Context length the model was trained with (<c>&lt;arch&gt;.context_length</c>).</summary>
    public long? ContextLength { get; init; }

    /// <summary>Hidden size (<c>&lt;arch&gt;.embedding_length</c>).</summary>
    public long? EmbeddingLength { get; init; }

    /// <summary>Number of transformer blocks (<c>&lt;arch&gt;.block_count</c>).</summary>
    public long? Layers { get; init; }

    /// <summary>Attention heads (<c>&lt;arch&gt;.attention.head_count</c>).</summary>
    public long? Heads { get; init; }

    /// <summary>Key/value heads (<c>&lt;arch&gt;.attention.head_count_kv</c>, which defaults to the head count).</summary>
    public long? KvHeads { get; init; }

    /// <summary>Number of tokens in the vocabulary.</summary>
    public long? VocabularySize { get; init; }

    /// <summary><c>tokenizer.ggml.model</c>: "llama" (SentencePiece), "gpt2" (byte-level BPE), ….</summary>
    public string? TokenizerModel { get; init; }

    /// <summary>The Jinja chat template the model ships with, or null when it has none.</summary>
    public string? ChatTemplate { get; init; }

    /// <summary>Reads the facts of the model at <paramref name="path"/> from its header.</summary>
    /// <exception cref="GgufFormatException">The file is not a usable GGUF file.</exception>
    public static GgufModelInfo Read(string path) => From(GgufFile.Read(path));

    /// <summary>The facts of an already read GGUF file.</summary>
    public static GgufModelInfo From(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var metadata = file.Metadata;
        var architecture = Text("general.architecture") ?? "unknown";
        var parameters = file.Tensors.Sum(t => t.ElementCount);
        var dataBytes = file.Tensors.Sum(t => t.ByteSize);
        var heads = Number($"{architecture}.attention.head_count");

        return new GgufModelInfo
        {
            Path = file.Path,
            Architecture = architecture,
            Name = Text("general.name"),
            ParameterCount = parameters,
            FileType = Number("general.file_type") is { } fileType ? LlamaFileTypes.Name(fileType) : GuessFileType(file),
            TensorTypeCounts = file.Tensors.GroupBy(t => t.Type).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count()),
            BitsPerWeight = parameters == 0 ? 0 : dataBytes * 8.0 / parameters,
            FileSize = file.FileSize,
            ContextLength = Number($"{architecture}.context_length"),
            EmbeddingLength = Number($"{architecture}.embedding_length"),
            Layers = Number($"{architecture}.block_count"),
            Heads = heads,
            KvHeads = Number($"{architecture}.attention.head_count_kv") ?? heads,
            VocabularySize = metadata.TryGetValue("tokenizer.ggml.tokens", out var tokens) && tokens.Type == GgufValueType.Array
                ? tokens.Count
                : Number($"{architecture}.vocab_size"),
            TokenizerModel = Text("tokenizer.ggml.model"),
            ChatTemplate = Text("tokenizer.chat_template"),
        };

        string? Text(string key) => metadata.TryGetValue(key, out var value) && value.Type == GgufValueType.String ? value.AsString() : null;

        // Some converters write head counts as per-layer arrays; the first layer's value is the one to show.
        long? Number(string key) => metadata.TryGetValue(key, out var value) ? value switch
        {
            { Type: GgufValueType.Array, Count: > 0, Value: uint[] or int[] } => Convert.ToInt64(((Array)value.Value).GetValue(0), System.Globalization.CultureInfo.InvariantCulture),
            { Type: not (GgufValueType.Array or GgufValueType.String or GgufValueType.Float32 or GgufValueType.Float64 or GgufValueType.Bool) } => value.AsInt64(),
            _ => null,
        } : null;
    }

    /// <summary>Older converters (llama2.c's among them) write no <c>general.file_type</c>; like llama.cpp, name the type most weight matrices have.</summary>
    private static string GuessFileType(GgufFile file)
    {
        var matrices = file.Tensors.Where(t => t.Shape.Count >= 2).ToList();
        if (matrices.Count == 0)
        {
            return "unknown";
        }

        var dominant = matrices.GroupBy(t => t.Type).OrderByDescending(g => g.Count()).First().Key;
        return $"{dominant} (guessed)";
    }
}
