using System.Text;
using LLama;
using LLama.Common;
using LLama.Native;

namespace RagStack.LlamaSharp.Tests;

/// <summary>Loads a GGUF file in the real llama.cpp and decodes a few tokens greedily, the way the product will run a model.</summary>
internal static class GreedyGeneration
{
    public sealed record Result(int VocabularySize, LLamaToken[] Prompt, LLamaToken[] Generated, string Text);

    public static Result Run(string modelPath, string prompt, int tokens)
    {
        LlamaNative.EnsureLoaded();
        var parameters = new ModelParams(modelPath) { ContextSize = 128, BatchSize = 128, GpuLayerCount = 0, Threads = 1 };
        using var weights = LLamaWeights.LoadFromFile(parameters);
        using var context = weights.CreateContext(parameters);
        var handle = context.NativeHandle;
        var promptTokens = handle.Tokenize(prompt, add_bos: true, special: false, Encoding.UTF8);

        using var sampler = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        sampler.AddGreedySampler();
        var batch = new LLamaBatch();
        for (var i = 0; i < promptTokens.Length; i++)
        {
            batch.Add(promptTokens[i], i, LLamaSeqId.Zero, logits: i == promptTokens.Length - 1);
        }

        var generated = new List<LLamaToken>();
        var text = new StringBuilder();
        var position = promptTokens.Length;
        for (var step = 0; step < tokens; step++)
        {
            var result = handle.Decode(batch);
            if (result != DecodeResult.Ok)
            {
                throw new InvalidOperationException($"llama_decode returned {result} at step {step}.");
            }

            var token = sampler.Sample(handle, batch.TokenCount - 1);
            generated.Add(token);
            text.Append(weights.Vocab.LLamaTokenToString(token, isSpecialToken: true));
            batch.Clear();
            batch.Add(token, position++, LLamaSeqId.Zero, logits: true);
        }

        return new Result(weights.Vocab.Count, promptTokens, [.. generated], text.ToString());
    }
}
