namespace RagStack.Storage.Qdrant;

/// <summary>An existing Qdrant collection does not have the shape RagStack writes (vector size, distance, named vectors).</summary>
public sealed class QdrantCollectionMismatchException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="collection"/>, saying what is wrong with it.</summary>
    public QdrantCollectionMismatchException(string collection, string reason)
        : base($"Qdrant collection '{collection}' cannot be used: {reason}.")
    {
        Collection = collection;
    }

    /// <summary>The collection that did not match.</summary>
    public string Collection { get; }
}
