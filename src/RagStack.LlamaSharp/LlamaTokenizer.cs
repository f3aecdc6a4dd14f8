using System.Text;
using LLama;
using LLama.Common;

namespace RagStack.LlamaSharp;

/// <summary>A model's own tokenizer through llama.cpp, with only its vocabulary loaded: token ids exactly as serving sees them.</summary>
public static class LlamaTokenizer
{
    /// <summary>Tokenizes each text with <paramref name="modelPath"/>'s tokenizer, BOS first, special tokens read as text.</summary>
    /// <exception cref="InvalidDataException">llama.cpp cannot load the model's vocabulary; the message names the file.</exception>
    public static List<int[]> Tokenize(string modelPath, IEnumerable<string> texts) => [.. TokenizeEach(modelPath, texts)];

    /// <summary>
    /// Like <see cref="Tokenize"/>, but one text at a time as the sequence is read, so a large corpus is never held whole and a
    /// caller that stops early tokenizes no more; the vocabulary is loaded at the first item and freed when enumeration ends.
    /// </summary>
    /// <exception cref="InvalidDataException">llama.cpp cannot load the model's vocabulary; the message names the file.</exception>
    public static IEnumerable<int[]> TokenizeEach(string modelPath, IEnumerable<string> texts)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        ArgumentNullException.ThrowIfNull(texts);
        return Iterate(modelPath, texts);
    }

    private static IEnumerable<int[]> Iterate(string modelPath, IEnumerable<string> texts)
    {
        LlamaNative.EnsureLoaded();
        LLamaWeights weights;
        try
        {
            weights = LLamaWeights.LoadFromFile(new ModelParams(modelPath) { VocabOnly = true, GpuLayerCount = 0 });
        }
        catch (LLama.Exceptions.LoadWeightsFailedException e)
        {
            throw new InvalidDataException($"{modelPath}: llama.cpp cannot load its tokenizer ({e.Message})", e);
        }

        using (weights)
        {
            foreach (var text in texts)
            {
                yield return [.. weights.NativeHandle.Tokenize(text, true, false, Encoding.UTF8).Select(t => (int)t)];
            }
        }
    }
}
