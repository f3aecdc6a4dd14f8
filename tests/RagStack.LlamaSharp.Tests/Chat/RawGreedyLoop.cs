using System.Text;
using LLama;
using LLama.Common;
using LLama.Native;

namespace RagStack.LlamaSharp.Tests.Chat;

/// <summary>
/// Greedy generation written straight against LLamaSharp's native API, with none of RagStack's code: the reference the
/// chat client's output is compared with.
/// </summary>
internal static class RawGreedyLoop
{
    public static string Generate(string modelPath, string promptText, int maxTokens)
    {
        using var weights = LLamaWeights.LoadFromFile(new ModelParams(modelPath));
        var model = weights.NativeHandle;
        var parameters = LLamaContextParams.Default();
        parameters.n_ctx = 1024;
        parameters.n_batch = 512;
        parameters.n_ubatch = 512;
        using var context = SafeLLamaContextHandle.Create(model, parameters);
        using var sampler = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        sampler.AddGreedySampler();
        var prompt = model.Tokenize(promptText, model.Vocab.ShouldAddBOS, true, Encoding.UTF8);
        var batch = new LLamaBatch();
        batch.AddRange(prompt, 0, LLamaSeqId.Zero, true);
        var decoder = new StreamingTokenDecoder(Encoding.UTF8, model);
        var position = prompt.Length;
        for (var i = 0; i < maxTokens; i++)
        {
            if (context.Decode(batch) != DecodeResult.Ok)
            {
                throw new InvalidOperationException("decode failed");
            }

            var token = sampler.Sample(context, batch.TokenCount - 1);
            if (token.IsEndOfGeneration(model.Vocab))
            {
                break;
            }

            decoder.Add(token);
            batch.Clear();
            batch.Add(token, position++, LLamaSeqId.Zero, true);
        }

        return decoder.Read();
    }
}
