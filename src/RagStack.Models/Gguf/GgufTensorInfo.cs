namespace RagStack.Models.Gguf;

/// <summary>One tensor's description in a GGUF file: its name, ggml shape (innermost dimension first), type and where its data lies.</summary>
/// <param name="Name">Tensor name, e.g. <c>blk.0.attn_q.weight</c>.</param>
/// <param name="Shape">ggml dimensions, row length first (<c>ne[0]</c>, <c>ne[1]</c>, …).</param>
/// <param name="Type">Element type.</param>
/// <param name="Offset">Offset of the data from the start of the file's data section.</param>
/// <param name="ByteSize">Bytes the data takes.</param>
public sealed record GgufTensorInfo(string Name, IReadOnlyList<long> Shape, GgufTensorType Type, long Offset, long ByteSize)
{
    /// <summary>Number of elements (weights), the product of the dimensions.</summary>
    public long ElementCount => Shape.Aggregate(1L, (product, dimension) => product * dimension);
}
