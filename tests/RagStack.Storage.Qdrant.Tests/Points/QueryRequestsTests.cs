using Qdrant.Client.Grpc;
using RagStack.Storage.Qdrant.Keyword;
using RagStack.Storage.Qdrant.Points;

namespace RagStack.Storage.Qdrant.Tests.Points;

public sealed class QueryRequestsTests
{
    private static readonly Filter Scope = ChunkFilters.Scope("t", "i");

    [Fact]
    public void A_vector_search_queries_the_dense_vector_nearest_with_the_filter_inside_and_hnsw_ef()
    {
        var request = QueryRequests.Dense("c", new float[] { 0.1f, 0.2f }, Scope, limit: 20, hnswEf: 128);

        Assert.Equal(("c", "dense", 20ul, 128ul), (request.CollectionName, request.Using, request.Limit, request.Params.HnswEf));
        Assert.Equal([0.1f, 0.2f], request.Query.Nearest.Dense.Data);
        Assert.Same(Scope, request.Filter);
        Assert.True(request.WithPayload.Enable);
        Assert.Equal(["dense"], request.WithVectors.Include.Names);
        Assert.Empty(request.Prefetch);
    }

    [Fact]
    public void A_keyword_search_queries_the_sparse_bm25_vector_with_the_query_terms()
    {
        var request = QueryRequests.Keyword("c", new SparseTerms([5u, 9u], [1f, 0.2f]), Scope, limit: 10);

        Assert.Equal(("c", "bm25", 10ul), (request.CollectionName, request.Using, request.Limit));
        Assert.Equal([5u, 9u], request.Query.Nearest.Sparse.Indices);
        Assert.Equal([1f, 0.2f], request.Query.Nearest.Sparse.Values);
        Assert.Same(Scope, request.Filter);
        Assert.Equal(["dense"], request.WithVectors.Include.Names);
    }
}
