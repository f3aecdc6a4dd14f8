using RagStack.Chunks;

namespace RagStack.Testing;

/// <summary>Builds chunk records and vectors for tests.</summary>
public static class TestChunks
{
    public static ChunkRecord Chunk(string tenant, string index, string documentId, int position, string text, float[]? vector = null, params string[] tags) => new()
    {
        Id = $"{documentId}#{position}",
        DocumentId = documentId,
        Index = index,
        Tenant = tenant,
        DocumentName = documentId + ".md",
        Position = position,
        Text = text,
        Page = position + 1,
        SectionPath = ["Guide", "Part " + position],
        Start = position * 100,
        End = position * 100 + text.Length,
        Tags = tags,
        Vector = vector ?? ReadOnlyMemory<float>.Empty,
    };

    /// <summary>A unit vector pointing along axis <paramref name="axis"/>, tilted by <paramref name="tilt"/> toward the next axis.</summary>
    public static float[] Axis(int dimension, int axis, float tilt = 0)
    {
        var v = new float[dimension];
        v[axis % dimension] = 1;
        v[(axis + 1) % dimension] = tilt;
        return v;
    }

    /// <summary>Random vectors drawn around a few random centres, the shape real embeddings have.</summary>
    public static float[][] Clustered(int count, int dimension, int clusters, int seed, double spread = 0.35)
    {
        var random = new Random(seed);
        var centres = Enumerable.Range(0, clusters).Select(_ => Gaussian(random, dimension, 1.0)).ToArray();
        return Enumerable.Range(0, count).Select(i =>
        {
            var centre = centres[random.Next(clusters)];
            var noise = Gaussian(random, dimension, spread);
            return centre.Zip(noise, (c, n) => c + n).ToArray();
        }).ToArray();
    }

    /// <summary>The vector scaled to unit length.</summary>
    public static float[] Unit(ReadOnlySpan<float> vector)
    {
        var norm = System.Numerics.Tensors.TensorPrimitives.Norm(vector);
        var unit = vector.ToArray();
        System.Numerics.Tensors.TensorPrimitives.Divide(unit, norm, unit);
        return unit;
    }

    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b) =>
        System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(a, b);

    private static float[] Gaussian(Random random, int dimension, double sigma) =>
        Enumerable.Range(0, dimension).Select(_ =>
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            return (float)(sigma * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }).ToArray();
}
