using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace RagStack.Onnx.Quantization;

/// <summary>
/// Rewrites an fp32 ONNX graph so its weight products run in int8: every <c>MatMul</c> whose right-hand side is a constant
/// 2-D weight becomes one ONNX Runtime <c>DynamicQuantizeMatMul</c> (com.microsoft) that quantizes its activations per
/// call (uint8, asymmetric) and multiplies them with weights quantized once here (int8, symmetric, one scale per output
/// column). A bias <c>Add</c> right after the product is folded into the node. Products of two activations (attention's
/// Q·Kᵀ and softmax·V) stay fp32: they have no constant side to quantize ahead of time.
/// </summary>
internal static class DynamicInt8Quantizer
{
    /// <summary>The operator domain of ONNX Runtime's contributed kernels.</summary>
    internal const string MicrosoftDomain = "com.microsoft";

    /// <summary>
    /// Changes whenever the rewrite's output changes, so cached quantized models made by an older rewrite are made anew.
    /// </summary>
    internal const int Version = 1;

    /// <summary>
    /// Weights use 7 bits (±63) by default. CPUs without VNNI multiply uint8 activations by int8 weights with
    /// <c>vpmaddubsw</c>, whose 16-bit sums of two products saturate at full 8-bit range (255·127·2 &gt; 32767); with 7-bit
    /// weights they cannot. The cost is one bit of weight precision, which the cosine check in <c>ragstack bench ingest</c> measures.
    /// </summary>
    internal const int DefaultWeightBits = 7;

    /// <summary>Quantizes the model in <paramref name="fp32Model"/> and returns the new model's bytes.</summary>
    /// <exception cref="InvalidDataException">The bytes are not an ONNX model, or it has no constant-weight MatMul to quantize.</exception>
    public static byte[] Quantize(ReadOnlySpan<byte> fp32Model, int weightBits = DefaultWeightBits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(weightBits, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(weightBits, 8);
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(fp32Model);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException("The bytes are not an ONNX model.", e);
        }

        AttentionFusion.Apply(model.Graph);
        var rewritten = Quantize(model.Graph, weightBits);
        if (rewritten == 0)
        {
            throw new InvalidDataException("The model has no MatMul with a constant 2-D fp32 weight to quantize.");
        }

        if (!model.OpsetImport.Any(o => o.Domain == MicrosoftDomain))
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = MicrosoftDomain, Version = 1 });
        }

        model.ProducerName = "RagStack int8";
        model.ProducerVersion = Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return model.ToByteArray();
    }

    /// <summary>Rewrites the graph in place; returns how many products were quantized.</summary>
    private static int Quantize(GraphProto graph, int weightBits)
    {
        var initializers = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var graphOutputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var consumers = new Dictionary<string, List<NodeProto>>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            foreach (var input in node.Input)
            {
                if (!consumers.TryGetValue(input, out var list))
                {
                    consumers[input] = list = [];
                }

                list.Add(node);
            }
        }

        var quantizedWeights = new Dictionary<string, (string Weight, string Scale)>(StringComparer.Ordinal);
        var removed = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var count = 0;
        for (var i = 0; i < graph.Node.Count; i++)
        {
            var node = graph.Node[i];
            if (node.OpType != "MatMul" || node.Domain.Length != 0 || node.Input.Count != 2
                || !initializers.TryGetValue(node.Input[1], out var weight) || !IsFloatMatrix(weight))
            {
                continue;
            }

            if (!quantizedWeights.TryGetValue(weight.Name, out var q))
            {
                q = AddQuantizedWeight(graph, weight, weightBits);
                quantizedWeights[weight.Name] = q;
            }

            var columns = weight.Dims[1];
            var output = node.Output[0];
            var bias = string.Empty;
            if (!graphOutputs.Contains(output) && consumers.TryGetValue(output, out var users) && users.Count == 1
                && users[0] is { OpType: "Add", Domain: "", Input.Count: 2 } add
                && BiasOf(add, output, initializers, columns) is { } biasName)
            {
                bias = biasName;
                output = add.Output[0];
                removed.Add(add);
            }

            var quantized = new NodeProto
            {
                Name = node.Name + "_int8",
                OpType = "DynamicQuantizeMatMul",
                Domain = MicrosoftDomain,
            };
            quantized.Input.Add([node.Input[0], q.Weight, q.Scale, string.Empty, bias]);
            quantized.Output.Add(output);
            graph.Node[i] = quantized;
            count++;
        }

        for (var i = graph.Node.Count - 1; i >= 0; i--)
        {
            if (removed.Contains(graph.Node[i]))
            {
                graph.Node.RemoveAt(i);
            }
        }

        // The fp32 weights are gone from every node now; drop them so the file shrinks.
        var used = graph.Node.SelectMany(n => n.Input).ToHashSet(StringComparer.Ordinal);
        for (var i = graph.Initializer.Count - 1; i >= 0; i--)
        {
            if (quantizedWeights.ContainsKey(graph.Initializer[i].Name) && !used.Contains(graph.Initializer[i].Name))
            {
                graph.Initializer.RemoveAt(i);
            }
        }

        return count;
    }

    private static bool IsFloatMatrix(TensorProto tensor) =>
        tensor.DataType == (int)TensorProto.Types.DataType.Float && tensor.Dims.Count == 2 && tensor.DataLocation == TensorProto.Types.DataLocation.Default;

    /// <summary>The bias <paramref name="add"/> puts on the product: its other input when that is a constant vector of one value per column.</summary>
    private static string? BiasOf(NodeProto add, string product, Dictionary<string, TensorProto> initializers, long columns)
    {
        var other = add.Input[0] == product ? add.Input[1] : add.Input[1] == product ? add.Input[0] : null;
        return other is not null && initializers.TryGetValue(other, out var tensor)
            && tensor.DataType == (int)TensorProto.Types.DataType.Float && tensor.Dims.Count == 1 && tensor.Dims[0] == columns
            && tensor.DataLocation == TensorProto.Types.DataLocation.Default
            ? other
            : null;
    }

    /// <summary>Adds the int8 weight [K, N] and its N column scales to the graph; returns their names.</summary>
    private static (string Weight, string Scale) AddQuantizedWeight(GraphProto graph, TensorProto weight, int weightBits)
    {
        var rows = checked((int)weight.Dims[0]);
        var columns = checked((int)weight.Dims[1]);
        var values = FloatValues(weight);
        var limit = (1 << (weightBits - 1)) - 1;
        var scales = new float[columns];
        for (var r = 0; r < rows; r++)
        {
            var row = values.AsSpan(r * columns, columns);
            for (var c = 0; c < columns; c++)
            {
                scales[c] = MathF.Max(scales[c], MathF.Abs(row[c]));
            }
        }

        for (var c = 0; c < columns; c++)
        {
            // An all-zero column keeps scale 1 so nothing divides by zero; its weights quantize to 0 either way.
            scales[c] = scales[c] == 0 ? 1 : scales[c] / limit;
        }

        var quantized = new sbyte[values.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                var index = (r * columns) + c;
                quantized[index] = (sbyte)Math.Clamp(MathF.Round(values[index] / scales[c], MidpointRounding.ToEven), -limit, limit);
            }
        }

        var weightName = weight.Name + "_int8";
        var scaleName = weight.Name + "_scale";
        var weightTensor = new TensorProto { Name = weightName, DataType = (int)TensorProto.Types.DataType.Int8, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes<sbyte>(quantized)) };
        weightTensor.Dims.Add([rows, columns]);
        var scaleTensor = new TensorProto { Name = scaleName, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes<float>(scales)) };
        scaleTensor.Dims.Add(columns);
        graph.Initializer.Add(weightTensor);
        graph.Initializer.Add(scaleTensor);
        return (weightName, scaleName);
    }

    private static float[] FloatValues(TensorProto tensor)
    {
        var count = checked((int)(tensor.Dims[0] * tensor.Dims[1]));
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX raw tensor data is little-endian; this machine is not.");
        }

        var values = tensor.RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray() : [.. tensor.FloatData];
        if (values.Length != count)
        {
            throw new InvalidDataException($"The weight {tensor.Name} holds {values.Length} values; its shape {tensor.Dims[0]}×{tensor.Dims[1]} needs {count}.");
        }

        return values;
    }
}
