namespace RagStack.Storage.Qdrant.Keyword;

/// <summary>A sparse vector: term ids (ascending, distinct) and their weights, as Qdrant's sparse vectors take them.</summary>
internal sealed record SparseTerms(uint[] Indices, float[] Values)
{
    /// <summary>No term at all: nothing to store or to search for.</summary>
    public bool IsEmpty => Indices.Length == 0;

    /// <summary>The weights, summed where two terms hash to one id, in ascending id order.</summary>
    public static SparseTerms From(Dictionary<uint, float> weights)
    {
        var indices = weights.Keys.Order().ToArray();
        return new SparseTerms(indices, indices.Select(i => weights[i]).ToArray());
    }
}
