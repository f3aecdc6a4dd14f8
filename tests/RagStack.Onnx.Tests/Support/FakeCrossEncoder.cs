using Google.Protobuf;

namespace RagStack.Onnx.Tests.Support;

/// <summary>
/// Writes a cross-encoder export (<c>onnx/model.onnx</c> + <c>vocab.txt</c>) that ONNX Runtime really runs, since no
/// cross-encoder weights exist here: its logit is the sum of the token ids in the passage segment (token type 1), so a
/// test knows every score from the vocabulary it wrote. The ONNX protobuf is encoded by hand (field numbers of onnx.proto).
/// </summary>
internal static class FakeCrossEncoder
{
    /// <summary>Special tokens first: [PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3; then the words, from id 4.</summary>
    public static readonly string[] Vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "apple", "pear", "plum", "fig"];

    private const int Float = 1;
    private const int Int32 = 6;
    private const int Int64 = 7;

    /// <summary>The export in <paramref name="folder"/>; with <paramref name="twoLabels"/> the output is [-sum, sum] per pair.</summary>
    public static void Write(string folder, bool twoLabels = false, bool int32Ids = false, bool withTokenTypes = true)
    {
        Directory.CreateDirectory(Path.Combine(folder, "onnx"));
        File.WriteAllLines(Path.Combine(folder, "vocab.txt"), Vocabulary);
        var ids = int32Ids ? Int32 : Int64;
        var nodes = new List<byte[]>();
        if (withTokenTypes)
        {
            nodes.Add(Node("Mul", ["input_ids", "token_type_ids"], ["passage_ids"]));
        }
        else
        {
            nodes.Add(Node("Identity", ["input_ids"], ["passage_ids"]));
        }

        nodes.Add(Node("Cast", ["passage_ids"], ["passage_float"], IntAttribute("to", Float)));
        nodes.Add(Node("ReduceSum", ["passage_float"], [twoLabels ? "sum" : "logits"], IntsAttribute("axes", 1), IntAttribute("keepdims", 1)));
        if (twoLabels)
        {
            nodes.Add(Node("Neg", ["sum"], ["negated"]));
            nodes.Add(Node("Concat", ["negated", "sum"], ["logits"], IntAttribute("axis", 1)));
        }

        var inputs = new List<byte[]> { Value("input_ids", ids, "batch", "sequence"), Value("attention_mask", ids, "batch", "sequence") };
        if (withTokenTypes)
        {
            inputs.Add(Value("token_type_ids", ids, "batch", "sequence"));
        }

        var graph = Message(o =>
        {
            nodes.ForEach(n => Bytes(o, 1, n));
            Text(o, 2, "fake-cross-encoder");
            inputs.ForEach(i => Bytes(o, 11, i));
            Bytes(o, 12, Value("logits", Float, "batch", twoLabels ? 2 : 1));
        });
        var model = Message(o =>
        {
            Number(o, 1, 6);
            Text(o, 2, "RagStack.Onnx.Tests");
            Bytes(o, 7, graph);
            Bytes(o, 8, Message(s => { Text(s, 1, string.Empty); Number(s, 2, 11); }));
        });
        File.WriteAllBytes(Path.Combine(folder, "onnx", "model.onnx"), model);
    }

    private static byte[] Node(string op, string[] inputs, string[] outputs, params byte[][] attributes) => Message(o =>
    {
        Array.ForEach(inputs, i => Text(o, 1, i));
        Array.ForEach(outputs, x => Text(o, 2, x));
        Text(o, 3, op + "_" + outputs[0]);
        Text(o, 4, op);
        Array.ForEach(attributes, a => Bytes(o, 5, a));
    });

    private static byte[] IntAttribute(string name, long value) => Message(o =>
    {
        Text(o, 1, name);
        Number(o, 3, value);
        Number(o, 20, 2);
    });

    private static byte[] IntsAttribute(string name, params long[] values) => Message(o =>
    {
        Text(o, 1, name);
        Array.ForEach(values, v => Number(o, 8, v));
        Number(o, 20, 7);
    });

    /// <summary>A tensor's name, element type and dimensions (a string is a symbolic dimension, a number a fixed one).</summary>
    private static byte[] Value(string name, int elementType, params object[] dimensions) => Message(o =>
    {
        Text(o, 1, name);
        var shape = Message(s =>
        {
            foreach (var dimension in dimensions)
            {
                Bytes(s, 1, Message(d =>
                {
                    if (dimension is string symbol)
                    {
                        Text(d, 2, symbol);
                    }
                    else
                    {
                        Number(d, 1, Convert.ToInt64(dimension, System.Globalization.CultureInfo.InvariantCulture));
                    }
                }));
            }
        });
        Bytes(o, 2, Message(t => Bytes(t, 1, Message(tensor =>
        {
            Number(tensor, 1, elementType);
            Bytes(tensor, 2, shape);
        }))));
    });

    private static byte[] Message(Action<CodedOutputStream> write)
    {
        using var stream = new MemoryStream();
        using (var output = new CodedOutputStream(stream, leaveOpen: true))
        {
            write(output);
        }

        return stream.ToArray();
    }

    private static void Bytes(CodedOutputStream output, int field, byte[] value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(value));
    }

    private static void Text(CodedOutputStream output, int field, string value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteString(value);
    }

    private static void Number(CodedOutputStream output, int field, long value)
    {
        output.WriteTag(field, WireFormat.WireType.Varint);
        output.WriteInt64(value);
    }
}
