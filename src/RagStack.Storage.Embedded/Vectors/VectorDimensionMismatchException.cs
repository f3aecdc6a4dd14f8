namespace RagStack.Storage.Embedded;

/// <summary>A chunk's or a query's vector has another dimension than the vectors already in its index.</summary>
public sealed class VectorDimensionMismatchException : InvalidOperationException
{
    /// <summary>Creates the exception for an index, the dimension it holds and the dimension offered.</summary>
    public VectorDimensionMismatchException(string index, int expected, int actual)
        : base($"Index '{index}' holds {expected}-dimensional vectors but got a {actual}-dimensional one; embed with the model the index was built with, or delete the index's documents first.")
    {
        Index = index;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The index whose dimension did not match.</summary>
    public string Index { get; }

    /// <summary>The dimension of the vectors the index holds.</summary>
    public int Expected { get; }

    /// <summary>The dimension offered.</summary>
    public int Actual { get; }
}
