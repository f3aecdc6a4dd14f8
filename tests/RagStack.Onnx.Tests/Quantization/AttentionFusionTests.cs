using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using RagStack.Onnx.Quantization;
using Xunit;

namespace RagStack.Onnx.Tests.Quantization;

public sealed class AttentionFusionTests
{
    [Theory]
    [InlineData(EmbeddingModelKind.ArcticXs)]
    [InlineData(EmbeddingModelKind.MiniLM)]
    public void Each_of_the_six_attention_blocks_becomes_one_node_and_nothing_else_is_left_of_them(EmbeddingModelKind kind)
    {
        var graph = ModelProto.Parser.ParseFrom(EmbeddingModelCard.For(kind).ReadResource("model.onnx")).Graph;

        Assert.Equal(6, AttentionFusion.Apply(graph));

        Assert.Equal(6, graph.Node.Count(n => n.OpType == "MultiHeadAttention"));
        Assert.DoesNotContain(graph.Node, n => n.OpType is "Softmax" or "Transpose");
        Assert.Equal(36, graph.Node.Count(n => n.OpType == "MatMul"));
    }

    [Theory]
    [InlineData(EmbeddingModelKind.ArcticXs)]
    [InlineData(EmbeddingModelKind.MiniLM)]
    public void The_fused_graph_gives_the_published_graphs_token_states_with_padding_in_the_batch(EmbeddingModelKind kind)
    {
        var published = EmbeddingModelCard.For(kind).ReadResource("model.onnx");
        var model = ModelProto.Parser.ParseFrom(published);
        AttentionFusion.Apply(model.Graph);
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = DynamicInt8Quantizer.MicrosoftDomain, Version = 1 });

        // Row 0 holds 12 tokens, row 1 holds 5 and 7 of padding, which the mask must hide.
        const int Sequence = 12;
        long[] ids = [101, 7592, 2088, 2003, 1037, 3231, 1997, 1996, 2773, 2291, 1012, 102, 101, 2023, 2003, 2460, 102, 0, 0, 0, 0, 0, 0, 0];
        long[] mask = [.. Enumerable.Repeat(1L, Sequence), .. Enumerable.Repeat(1L, 5), .. Enumerable.Repeat(0L, 7)];
        var expected = Run(published, ids, mask);
        var actual = Run(model.ToByteArray(), ids, mask);

        foreach (var (row, attended) in new[] { (0, Sequence), (1, 5) })
        {
            for (var i = 0; i < attended * 384; i++)
            {
                var index = (row * Sequence * 384) + i;
                Assert.True(MathF.Abs(expected[index] - actual[index]) <= 1e-3f, $"row {row}, value {i}: {expected[index]} vs {actual[index]}");
            }
        }
    }

    [Fact]
    public void A_graph_without_an_attention_mask_input_is_left_alone()
    {
        var graph = ModelProto.Parser.ParseFrom(DynamicInt8QuantizerTests.DenseLayer()).Graph;
        var before = graph.ToByteArray();

        Assert.Equal(0, AttentionFusion.Apply(graph));
        Assert.Equal(before, graph.ToByteArray());
    }

    private static float[] Run(byte[] model, long[] ids, long[] mask)
    {
        using var session = new InferenceSession(model);
        long[] shape = [2, ids.Length / 2];
        using var idValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typeValue = OrtValue.CreateTensorValueFromMemory(new long[ids.Length], shape);
        using var outputs = session.Run(new RunOptions(), ["input_ids", "attention_mask", "token_type_ids"], [idValue, maskValue, typeValue], ["last_hidden_state"]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
