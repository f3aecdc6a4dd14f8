using System.Runtime.InteropServices;
using Onnx;

namespace RagStack.Onnx.Quantization;

/// <summary>
/// Replaces each BERT self-attention block of an exported sentence-transformer (split Q, K and V into heads, Q·Kᵀ / √d,
/// add the padding mask, softmax, multiply by V, merge the heads) with one ONNX Runtime <c>MultiHeadAttention</c>
/// (com.microsoft). Once the weight products run in int8 these activation products are most of what is left (profiled:
/// over half of the int8 graph's time went to the transposes, the mask add, the softmax and the two batched products), and
/// the fused kernel does them without materialising the transposed heads. Blocks that do not match exactly are left as they are.
/// </summary>
internal static class AttentionFusion
{
    private const string MaskInput = "attention_mask";

    /// <summary>Fuses every matching block in <paramref name="graph"/>; returns how many it fused.</summary>
    public static int Apply(GraphProto graph)
    {
        var mask = graph.Input.FirstOrDefault(i => i.Name == MaskInput);
        if (mask is null)
        {
            return 0;
        }

        var index = new GraphIndex(graph);
        var maskInt32 = MaskInput + "_int32";
        var fused = 0;
        foreach (var softmax in graph.Node.Where(n => n.OpType == "Softmax" && n.Domain.Length == 0).ToList())
        {
            if (Match(index, softmax) is not { } block)
            {
                continue;
            }

            var attention = new NodeProto { Name = softmax.Name + "_mha", OpType = "MultiHeadAttention", Domain = DynamicInt8Quantizer.MicrosoftDomain };
            attention.Input.Add([block.Query, block.Key, block.Value, string.Empty, maskInt32]);
            attention.Output.Add(block.Output);
            attention.Attribute.Add(new AttributeProto { Name = "num_heads", Type = AttributeProto.Types.AttributeType.Int, I = block.Heads });
            attention.Attribute.Add(new AttributeProto { Name = "scale", Type = AttributeProto.Types.AttributeType.Float, F = block.Scale });

            // The fused node takes the place of the block's last node, so every input is computed before it and the graph
            // stays sorted; the rest of the block is no longer read and goes with the dead nodes below.
            graph.Node[graph.Node.IndexOf(block.Last)] = attention;
            fused++;
        }

        if (fused > 0)
        {
            var cast = new NodeProto { Name = maskInt32 + "_cast", OpType = "Cast" };
            cast.Input.Add(MaskInput);
            cast.Output.Add(maskInt32);
            cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)TensorProto.Types.DataType.Int32 });
            graph.Node.Insert(0, cast);
            RemoveDeadNodes(graph);
        }

        return fused;
    }

    /// <summary>The block around <paramref name="softmax"/>, or null when any step differs from the exported BERT pattern.</summary>
    private static Block? Match(GraphIndex index, NodeProto softmax)
    {
        // scores = (Q' · K'ᵀ) / c + mask, Q' = heads(Q) as [B, N, S, H], K'ᵀ = heads(K) as [B, N, H, S]
        if (index.Producer(softmax.Input[0]) is not { OpType: "Add" } maskAdd
            || index.Producer(maskAdd.Input[0]) is not { OpType: "Div" } div
            || index.Constant(div.Input[1]) is not [var divisor]
            || index.Producer(div.Input[0]) is not { OpType: "MatMul" } scores
            || Heads(index, scores.Input[0], [0, 2, 1, 3]) is not { } query
            || Heads(index, scores.Input[1], [0, 2, 3, 1]) is not { } key
            || index.Consumers(softmax.Output[0]) is not [{ OpType: "MatMul" } weighted]
            || weighted.Input[0] != softmax.Output[0]
            || Heads(index, weighted.Input[1], [0, 2, 1, 3]) is not { } value
            || index.Consumers(weighted.Output[0]) is not [{ OpType: "Transpose" } merge]
            || !HasPerm(merge, [0, 2, 1, 3])
            || index.Consumers(merge.Output[0]).SingleOrDefault(n => n.OpType == "Reshape") is not { } flatten
            || index.Consumers(merge.Output[0]).Any(n => n != flatten && n.OpType != "Shape")
            || query.Heads != key.Heads || query.Heads != value.Heads)
        {
            return null;
        }

        // Every intermediate must feed only the block, or removing it would starve another node.
        foreach (var node in (NodeProto[])[maskAdd, div, scores])
        {
            if (index.Consumers(node.Output[0]).Count != 1)
            {
                return null;
            }
        }

        return new Block(query.Source, key.Source, value.Source, flatten.Output[0], query.Heads, (float)(1 / divisor), flatten);
    }

    /// <summary>Matches Transpose(Reshape(x, [b, s, heads, size]), perm); returns x and the head count.</summary>
    private static (string Source, long Heads)? Heads(GraphIndex index, string name, int[] perm)
    {
        if (index.Producer(name) is not { OpType: "Transpose" } transpose || !HasPerm(transpose, perm)
            || index.Consumers(transpose.Output[0]).Count != 1
            || index.Producer(transpose.Input[0]) is not { OpType: "Reshape" } reshape
            || index.Consumers(reshape.Output[0]).Count != 1
            || index.Producer(reshape.Input[1]) is not { OpType: "Concat" } shape || shape.Input.Count != 4
            || index.Constant(shape.Input[2]) is not [var heads])
        {
            return null;
        }

        return (reshape.Input[0], (long)heads);
    }

    private static bool HasPerm(NodeProto transpose, int[] perm) =>
        transpose.Attribute.FirstOrDefault(a => a.Name == "perm") is { } attribute && attribute.Ints.SequenceEqual(perm.Select(p => (long)p));

    /// <summary>Drops nodes none of whose outputs is used by another node or by the graph, until none is left.</summary>
    internal static void RemoveDeadNodes(GraphProto graph)
    {
        var outputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        bool removed;
        do
        {
            var used = graph.Node.SelectMany(n => n.Input).Concat(outputs).ToHashSet(StringComparer.Ordinal);
            removed = false;
            for (var i = graph.Node.Count - 1; i >= 0; i--)
            {
                if (!graph.Node[i].Output.Any(used.Contains))
                {
                    graph.Node.RemoveAt(i);
                    removed = true;
                }
            }
        }
        while (removed);

        var stillUsed = graph.Node.SelectMany(n => n.Input).ToHashSet(StringComparer.Ordinal);
        for (var i = graph.Initializer.Count - 1; i >= 0; i--)
        {
            if (!stillUsed.Contains(graph.Initializer[i].Name))
            {
                graph.Initializer.RemoveAt(i);
            }
        }
    }

    private sealed record Block(string Query, string Key, string Value, string Output, long Heads, float Scale, NodeProto Last);

    /// <summary>Who makes and who reads each value of a graph, and the values of its small constants.</summary>
    private sealed class GraphIndex
    {
        private readonly Dictionary<string, NodeProto> _producers = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<NodeProto>> _consumers = new(StringComparer.Ordinal);
        private readonly Dictionary<string, TensorProto> _initializers;

        public GraphIndex(GraphProto graph)
        {
            _initializers = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
            foreach (var node in graph.Node)
            {
                foreach (var output in node.Output)
                {
                    _producers[output] = node;
                }

                foreach (var input in node.Input)
                {
                    if (!_consumers.TryGetValue(input, out var list))
                    {
                        _consumers[input] = list = [];
                    }

                    list.Add(node);
                }
            }
        }

        public NodeProto? Producer(string name) => _producers.GetValueOrDefault(name);

        public IReadOnlyList<NodeProto> Consumers(string name) => _consumers.TryGetValue(name, out var list) ? list : [];

        /// <summary>The values of a constant of at most a few elements (an initializer or a Constant node), as doubles; null otherwise.</summary>
        public double[]? Constant(string name)
        {
            var tensor = _initializers.GetValueOrDefault(name)
                ?? (Producer(name) is { OpType: "Constant" } node ? node.Attribute.FirstOrDefault(a => a.Name == "value")?.T : null);
            if (tensor is null || tensor.Dims.Aggregate(1L, (a, b) => a * b) > 8)
            {
                return null;
            }

            var raw = tensor.RawData.Span;
            return (TensorProto.Types.DataType)tensor.DataType switch
            {
                TensorProto.Types.DataType.Float => raw.Length > 0 ? [.. MemoryMarshal.Cast<byte, float>(raw).ToArray().Select(v => (double)v)] : [.. tensor.FloatData.Select(v => (double)v)],
                TensorProto.Types.DataType.Int64 => raw.Length > 0 ? [.. MemoryMarshal.Cast<byte, long>(raw).ToArray().Select(v => (double)v)] : [.. tensor.Int64Data.Select(v => (double)v)],
                _ => null,
            };
        }
    }
}
