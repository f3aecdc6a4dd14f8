namespace RagStack.Models.Adapters;

/// <summary>
/// Converts the rows of a query or key projection between Hugging Face's rotary layout and GGUF's. Hugging Face pairs
/// element i of each head with element i + d/2 (two halves); GGUF, like Meta's original weights, pairs 2i with 2i + 1.
/// llama.cpp's converter applies this to q/k weights, so anything added to them (a LoRA's B matrix) must match, and an
/// export back to Hugging Face must undo it.
/// </summary>
internal static class RotaryRowOrder
{
    /// <summary>Returns <paramref name="rows"/> (row-major, <paramref name="rowCount"/> rows of <paramref name="rowLength"/>) with each head's rows interleaved GGUF-style.</summary>
    public static float[] HuggingFaceToGguf(ReadOnlySpan<float> rows, int rowCount, int rowLength, int heads) =>
        Reorder(rows, rowCount, rowLength, heads, toGguf: true);

    /// <summary>The inverse of <see cref="HuggingFaceToGguf"/>: each head's interleaved GGUF rows split back into Hugging Face's two halves.</summary>
    public static float[] GgufToHuggingFace(ReadOnlySpan<float> rows, int rowCount, int rowLength, int heads) =>
        Reorder(rows, rowCount, rowLength, heads, toGguf: false);

    private static float[] Reorder(ReadOnlySpan<float> rows, int rowCount, int rowLength, int heads, bool toGguf)
    {
        if (heads <= 0 || rowCount % heads != 0 || rowCount / heads % 2 != 0)
        {
            throw new ArgumentException($"{rowCount} rows do not split into {heads} heads of an even size.", nameof(heads));
        }

        if (rows.Length != (long)rowCount * rowLength)
        {
            throw new ArgumentException($"Expected {rowCount} x {rowLength} values, got {rows.Length}.", nameof(rows));
        }

        var headDimension = rowCount / heads;
        var half = headDimension / 2;
        var result = new float[rows.Length];
        for (var head = 0; head < heads; head++)
        {
            for (var pair = 0; pair < half; pair++)
            {
                for (var member = 0; member < 2; member++)
                {
                    var ggufRow = (head * headDimension) + (2 * pair) + member;
                    var huggingFaceRow = (head * headDimension) + (member * half) + pair;
                    var (from, to) = toGguf ? (huggingFaceRow, ggufRow) : (ggufRow, huggingFaceRow);
                    rows.Slice(from * rowLength, rowLength).CopyTo(result.AsSpan(to * rowLength, rowLength));
                }
            }
        }

        return result;
    }
}
