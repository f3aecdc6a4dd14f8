using Qdrant.Client.Grpc;
using RagStack.Storage.Qdrant.Collections;
using RagStack.Storage.Qdrant.Keyword;

namespace RagStack.Storage.Qdrant.Points;

/// <summary>The Query API requests of the two searches; both filter inside Qdrant and return payloads and dense vectors.</summary>
internal static class QueryRequests
{
    /// <summary>Nearest chunks by cosine similarity to <paramref name="vector"/>.</summary>
    public static QueryPoints Dense(string collection, ReadOnlySpan<float> vector, Filter filter, int limit, int hnswEf)
    {
        var request = Base(collection, filter, limit, CollectionLayout.DenseVector);
        request.Query = new Query { Nearest = new VectorInput { Dense = new DenseVector { Data = { vector.ToArray() } } } };
        request.Params = new SearchParams { HnswEf = (ulong)hnswEf };
        return request;
    }

    /// <summary>Best chunks by BM25: the query's sparse vector against the chunks', with the collection's IDF.</summary>
    public static QueryPoints Keyword(string collection, SparseTerms terms, Filter filter, int limit)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var request = Base(collection, filter, limit, CollectionLayout.SparseVector);
        var sparse = new SparseVector();
        sparse.Indices.AddRange(terms.Indices);
        sparse.Values.AddRange(terms.Values);
        request.Query = new Query { Nearest = new VectorInput { Sparse = sparse } };
        return request;
    }

    private static QueryPoints Base(string collection, Filter filter, int limit, string vector) => new()
    {
        CollectionName = collection,
        Using = vector,
        Filter = filter,
        Limit = (ulong)limit,
        WithPayload = new WithPayloadSelector { Enable = true },
        WithVectors = new WithVectorsSelector { Include = new VectorsSelector { Names = { CollectionLayout.DenseVector } } },
    };
}
