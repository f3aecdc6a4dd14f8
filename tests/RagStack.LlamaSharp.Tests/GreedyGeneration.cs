using System.Text;
using LLama;
using LLama.Common;
using LLama.Native;

namespace RagStack.LlamaSharp.Tests;

/// <summary>Loads a GGUF file in the real llama.cpp and decodes a few tokens greedily, the way the product will run a model.</summary>
internal static class GreedyGeneration
{
    public sealed record Result(int VocabularySize, LLamaToken[] Prompt, LLamaToken[] Generated, string Text);

    /// <summary>
    /// Decodes up to <paramref name="tokens"/> tokens greedily; with <paramref name="stopAtEndOfGeneration"/> it stops at
    /// the model's end-of-generation token, as a chat reply does. The prompt's special-token text is parsed, as the chat
    /// client parses its templated prompts.
    /// </summary>
    public static Result Run(string modelPath, string prompt, int tokens, uint contextSize = 128, bool stopAtEndOfGeneration = false)
    {
        LlamaNative.EnsureLoaded();
        var parameters = new ModelParams(modelPath) { ContextSize = contextSize, BatchSize = contextSize, GpuLayerCount = 0, Threads = 1 };
        using var weights = LLamaWeights.LoadFromFile(parameters);
        using var context = weights.CreateContext(parameters);
        var handle = context.NativeHandle;
        var promptTokens = handle.Tokenize(prompt, add_bos: weights.Vocab.ShouldAddBOS, special: true, Encoding.UTF8);

        using var sampler = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        sampler.AddGreedySampler();
        var batch = new LLamaBatch();
        for (var i = 0; i < promptTokens.Length; i++)
        {
            batch.Add(promptTokens[i], i, LLamaSeqId.Zero, logits: i == promptTokens.Length - 1);
        }

        var generated = new List<LLamaToken>();
        var text = new StreamingTokenDecoder(Encoding.UTF8, weights);
        var position = promptTokens.Length;
        for (var step = 0; step < tokens; step++)
        {
            var result = handle.Decode(batch);
            if (result != DecodeResult.Ok)
            {
                throw new InvalidOperationException($"llama_decode returned {result} at step {step}.");
            }

            var token = sampler.Sample(handle, batch.TokenCount - 1);
            if (stopAtEndOfGeneration && token.IsEndOfGeneration(weights.Vocab))
            {
                break;
            }

            generated.Add(token);
            text.Add(token);
            batch.Clear();
            batch.Add(token, position++, LLamaSeqId.Zero, logits: true);
        }

        return new Result(weights.Vocab.Count, promptTokens, [.. generated], text.Read());
    }
}
