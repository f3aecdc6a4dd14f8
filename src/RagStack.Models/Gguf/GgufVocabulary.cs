namespace RagStack.Models.Gguf;

/// <summary>Moves a tokenizer between GGUF files: llama.cpp reads it from the <c>tokenizer.*</c> metadata alone.</summary>
internal static class GgufVocabulary
{
    /// <summary>Copies every <c>tokenizer.*</c> entry of <paramref name="vocabularyPath"/> (a vocabulary-only GGUF or a model) into <paramref name="writer"/>; returns its token count.</summary>
    /// <exception cref="GgufFormatException">The file is not a readable GGUF, or has no tokenizer.ggml.tokens string array.</exception>
    public static int Copy(GgufWriter writer, string vocabularyPath)
    {
        var vocabulary = GgufFile.Read(vocabularyPath);
        if (!vocabulary.Metadata.TryGetValue("tokenizer.ggml.tokens", out var tokens) || tokens.ElementType != GgufValueType.String || tokens.Count == 0)
        {
            throw new GgufFormatException(vocabularyPath, "has no tokenizer.ggml.tokens string array to copy a vocabulary from");
        }

        foreach (var (key, value) in vocabulary.Metadata)
        {
            if (key.StartsWith("tokenizer.", StringComparison.Ordinal))
            {
                writer.SetMetadata(key, value);
            }
        }

        return tokens.Count;
    }
}
