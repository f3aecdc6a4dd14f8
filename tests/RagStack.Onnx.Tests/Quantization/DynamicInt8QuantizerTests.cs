using System.Runtime.InteropServices;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using RagStack.Onnx.Quantization;
using Xunit;

namespace RagStack.Onnx.Tests.Quantization;

public sealed class DynamicInt8QuantizerTests
{
    // A 4→3 dense layer with a bias: Y = X·W + b. Column 2 holds the largest weight (-2), column 0 an all-zero column.
    private static readonly float[] Weight = [0f, 0.25f, -2f, 0f, -0.25f, 0.75f, 0f, 1f, 0.5f, 0f, 0.125f, -1.5f];
    private static readonly float[] Bias = [0.1f, -0.2f, 0.3f];

    [Fact]
    public void A_dense_layer_becomes_one_int8_product_with_its_bias_folded_in()
    {
        var graph = ModelProto.Parser.ParseFrom(DynamicInt8Quantizer.Quantize(DenseLayer())).Graph;

        var node = Assert.Single(graph.Node);
        Assert.Equal(("DynamicQuantizeMatMul", "com.microsoft"), (node.OpType, node.Domain));
        Assert.Equal(["X", "W_int8", "W_scale", "", "b"], node.Input);
        Assert.Equal("Y", Assert.Single(node.Output));
        Assert.DoesNotContain(graph.Initializer, i => i.Name == "W");
    }

    [Fact]
    public void Weights_are_quantized_per_column_to_seven_bits_with_the_column_maximum_at_63()
    {
        var graph = ModelProto.Parser.ParseFrom(DynamicInt8Quantizer.Quantize(DenseLayer())).Graph;

        var weights = MemoryMarshal.Cast<byte, sbyte>(graph.Initializer.Single(i => i.Name == "W_int8").RawData.Span).ToArray();
        var scales = MemoryMarshal.Cast<byte, float>(graph.Initializer.Single(i => i.Name == "W_scale").RawData.Span).ToArray();
        Assert.Equal([1f, 1f / 63, 2f / 63], scales);
        Assert.Equal([0, 16, -63, 0, -16, 24, 0, 63, 16, 0, 8, -47], weights.Select(w => (int)w));
    }

    [Fact]
    public void Eight_bit_weights_reach_127()
    {
        var graph = ModelProto.Parser.ParseFrom(DynamicInt8Quantizer.Quantize(DenseLayer(), weightBits: 8)).Graph;

        var weights = MemoryMarshal.Cast<byte, sbyte>(graph.Initializer.Single(i => i.Name == "W_int8").RawData.Span).ToArray();
        Assert.Equal(-127, weights.Min());
        Assert.Equal(127, weights.Max());
    }

    [Fact]
    public void The_quantized_layer_computes_what_the_fp32_layer_does_within_the_quantization_error()
    {
        float[] input = [1f, -2f, 0.5f, 3f, 0.25f, 0.75f, -1f, 2f];

        var expected = Run(DenseLayer(), input);
        var actual = Run(DynamicInt8Quantizer.Quantize(DenseLayer()), input);

        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            // Activations step by 5/255 and weights by at most 2/63 here; four products each off by a step or so.
            Assert.True(MathF.Abs(expected[i] - actual[i]) < 0.1f, $"output {i}: {expected[i]} vs {actual[i]}");
        }

        Assert.NotEqual(expected, actual);
    }

    [Fact]
    public void A_product_of_two_activations_stays_fp32()
    {
        var model = DenseLayer();
        var parsed = ModelProto.Parser.ParseFrom(model);
        var product = new NodeProto { OpType = "MatMul", Name = "scores" };
        product.Input.Add(["Y", "Yt"]);
        product.Output.Add("S");
        var transpose = new NodeProto { OpType = "Transpose", Name = "t" };
        transpose.Input.Add("Y");
        transpose.Output.Add("Yt");
        parsed.Graph.Node.Add([transpose, product]);
        parsed.Graph.Output.Clear();
        parsed.Graph.Output.Add(Value("S", [2, 2]));

        var graph = ModelProto.Parser.ParseFrom(DynamicInt8Quantizer.Quantize(parsed.ToByteArray())).Graph;

        Assert.Single(graph.Node, n => n.OpType == "DynamicQuantizeMatMul");
        Assert.Single(graph.Node, n => n is { OpType: "MatMul", Name: "scores" });
    }

    [Fact]
    public void Bytes_that_are_no_model_are_refused() =>
        Assert.Throws<InvalidDataException>(() => DynamicInt8Quantizer.Quantize("not a model"u8));

    [Fact]
    public void A_model_without_a_constant_weight_is_refused()
    {
        var model = ModelProto.Parser.ParseFrom(DenseLayer());
        model.Graph.Initializer.Clear();
        model.Graph.Input.Add([Value("W", [4, 3]), Value("b", [3])]);

        var error = Assert.Throws<InvalidDataException>(() => DynamicInt8Quantizer.Quantize(model.ToByteArray()));

        Assert.Contains("no MatMul with a constant", error.Message, StringComparison.Ordinal);
    }

    /// <summary>X [2, 4] → MatMul(W [4, 3]) → Add(b [3]) → Y [2, 3], at opset 13.</summary>
    internal static byte[] DenseLayer()
    {
        var graph = new GraphProto { Name = "dense" };
        graph.Input.Add(Value("X", [2, 4]));
        graph.Output.Add(Value("Y", [2, 3]));
        graph.Initializer.Add([Tensor("W", Weight, [4, 3]), Tensor("b", Bias, [3])]);
        var matMul = new NodeProto { OpType = "MatMul", Name = "dense" };
        matMul.Input.Add(["X", "W"]);
        matMul.Output.Add("XW");
        var add = new NodeProto { OpType = "Add", Name = "bias" };
        add.Input.Add(["XW", "b"]);
        add.Output.Add("Y");
        graph.Node.Add([matMul, add]);
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        return model.ToByteArray();
    }

    private static float[] Run(byte[] model, float[] input)
    {
        using var session = new InferenceSession(model);
        using var value = OrtValue.CreateTensorValueFromMemory(input, [2, 4]);
        using var outputs = session.Run(new RunOptions(), ["X"], [value], ["Y"]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static TensorProto Tensor(string name, float[] values, long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
        tensor.Dims.Add(dims);
        return tensor;
    }

    private static ValueInfoProto Value(string name, long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(dims.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } } };
    }
}
