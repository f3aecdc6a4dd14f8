using System.Buffers.Binary;
using RagStack.LlamaSharp.Tests.Adapters;
using RagStack.Models.Safetensors;
using Xunit.Abstractions;

namespace RagStack.Models.Tests.HuggingFace;

/// <summary>
/// The inference benchmark's trained pair (models/bench, rebuilt by src/RagStack.Training/pair/rebuild.sh) against the
/// logits transformers computed in F32 on the device for held-out tokens (reference-logits.safetensors): the committed
/// Q8_0 files everywhere, and the F32 imports when a rebuild left them in models/bench/build.
/// </summary>
public sealed class TrainedPairTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("target", "ragstack-docs-target-26m-q8_0.gguf")]
    [InlineData("draft", "ragstack-docs-draft-5m-q8_0.gguf")]
    public void The_committed_q8_0_model_gives_llama_cpp_nearly_the_logits_transformers_gave_in_f32(string model, string file)
    {
        var (tokens, expected) = Reference(model);

        var actual = LlamaLogits.Evaluate(Bench(file), tokens);

        var difference = LlamaLogits.MaxAbsDifference(actual, expected);
        var sameTop = actual.Zip(expected).Count(p => ArgMax(p.First) == ArgMax(p.Second));
        output.WriteLine($"{model} Q8_0: max |llama.cpp - transformers F32| = {difference:E2}, same top token at {sameTop} of {tokens.Length} positions");
        Assert.InRange(difference, 0, 0.5);
        Assert.InRange(sameTop, tokens.Length - 1, tokens.Length);
    }

    [SkippableTheory]
    [InlineData("target", "target-f32.gguf")]
    [InlineData("draft", "draft-f32.gguf")]
    public void The_f32_import_gives_llama_cpp_the_logits_transformers_gave(string model, string file)
    {
        var path = Bench(Path.Combine("build", file));
        Skip.IfNot(File.Exists(path), $"{path} is made by src/RagStack.Training/pair/rebuild.sh (too large to commit)");
        var (tokens, expected) = Reference(model);

        var difference = LlamaLogits.MaxAbsDifference(LlamaLogits.Evaluate(path, tokens), expected);

        output.WriteLine($"{model} F32: max |llama.cpp - transformers| = {difference:E2}");
        Assert.InRange(difference, 0, 1e-3);
    }

    private static string Bench(string file) => RepositoryFolders.InRepository(["models", "bench", file]);

    /// <summary>The held-out token ids and transformers' F32 logits at each of them.</summary>
    private static (int[] Tokens, float[][] Logits) Reference(string model)
    {
        var file = SafetensorsFile.Read(Bench("reference-logits.safetensors"));
        Assert.True(file.TryGetTensor("input_ids", out var ids));
        Assert.Equal("I32", ids.DType);
        Assert.True(file.TryGetTensor($"{model}_logits", out var logits));
        Assert.Equal(ids.Shape[1], logits.Shape[1]);

        using var stream = File.OpenRead(file.Path);
        stream.Position = file.DataOffset + ids.Begin;
        var bytes = new byte[ids.End - ids.Begin];
        stream.ReadExactly(bytes);
        var count = (int)ids.Shape[1];
        int[] tokens = [.. Enumerable.Range(0, count).Select(i => BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(i * 4)))];
        var values = file.ReadTensorAsFloats(logits);
        var vocabulary = (int)logits.Shape[2];
        return (tokens, [.. Enumerable.Range(0, count).Select(i => values.AsSpan(i * vocabulary, vocabulary).ToArray())]);
    }

    private static int ArgMax(float[] values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
