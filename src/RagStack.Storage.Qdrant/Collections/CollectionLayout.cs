using Qdrant.Client.Grpc;
using RagStack.Storage.Qdrant.Points;

namespace RagStack.Storage.Qdrant.Collections;

/// <summary>
/// The collection RagStack writes: a named cosine dense vector of the embedding model's size, a named sparse BM25
/// vector with Qdrant's IDF modifier, keyword payload indexes on tenant (marked <c>is_tenant</c>, so Qdrant keeps each
/// tenant's points together), index, document and tags, and the cluster settings of <see cref="QdrantStoreOptions"/>.
/// </summary>
internal static class CollectionLayout
{
    /// <summary>The named dense vector.</summary>
    public const string DenseVector = "dense";

    /// <summary>The named sparse BM25 vector.</summary>
    public const string SparseVector = "bm25";

    /// <summary>The request that creates the collection.</summary>
    public static CreateCollection Create(string collection, int vectorSize, QdrantStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var dense = new VectorParams { Size = (ulong)vectorSize, Distance = Distance.Cosine };
        var create = new CreateCollection
        {
            CollectionName = collection,
            VectorsConfig = new VectorsConfig { ParamsMap = new VectorParamsMap { Map = { [DenseVector] = dense } } },
            SparseVectorsConfig = new SparseVectorConfig { Map = { [SparseVector] = new SparseVectorParams { Modifier = Modifier.Idf } } },
            ShardNumber = (uint)options.ShardNumber,
            ReplicationFactor = (uint)options.ReplicationFactor,
            WriteConsistencyFactor = (uint)options.WriteConsistencyFactor,
            Payload = new PayloadStorageParams { Memory = options.OnDiskPayload ? Memory.Cold : Memory.Pinned },
            // Every search filters by tenant: payload_m builds the per-tenant links that filtered HNSW search walks.
            HnswConfig = new HnswConfigDiff { M = (ulong)options.HnswM, EfConstruct = (ulong)options.HnswEfConstruct, PayloadM = (ulong)options.HnswM },
        };
        if (options.Quantization == QdrantQuantization.Int8)
        {
            // The int8 copies stay in RAM for the search; the float originals go to disk and rescore the best candidates.
            dense.Memory = Memory.Cold;
            create.QuantizationConfig = new QuantizationConfig
            {
                Scalar = new ScalarQuantization { Type = QuantizationType.Int8, Quantile = 0.99f, Memory = Memory.Pinned },
            };
        }

        return create;
    }

    /// <summary>The payload indexes the collection needs, each created with <c>wait</c> so searches can use it at once.</summary>
    public static IReadOnlyList<CreateFieldIndexCollection> PayloadIndexes(string collection) =>
    [
        Keyword(collection, ChunkPayload.Tenant, isTenant: true),
        Keyword(collection, ChunkPayload.Index, isTenant: false),
        Keyword(collection, ChunkPayload.Document, isTenant: false),
        Keyword(collection, ChunkPayload.Tags, isTenant: false),
    ];

    /// <summary>The dense vector size of an existing collection, checked against what RagStack needs.</summary>
    /// <exception cref="QdrantCollectionMismatchException">The collection has another vector size or distance, or lacks a vector RagStack writes.</exception>
    public static int Check(string collection, CollectionInfo info, int? expectedSize, string expectedModel)
    {
        ArgumentNullException.ThrowIfNull(info);
        var parameters = info.Config?.Params;
        if (parameters?.VectorsConfig?.ParamsMap?.Map is not { } map || !map.TryGetValue(DenseVector, out var dense))
        {
            throw new QdrantCollectionMismatchException(collection,
                $"it has no named vector '{DenseVector}', so it was not created by RagStack; name another collection in {QdrantStoreOptions.Section}:{nameof(QdrantStoreOptions.Collection)}");
        }

        var wanted = expectedSize is { } size ? $"{size}-dimensional cosine vectors of {expectedModel}" : $"cosine vectors of {expectedModel}";
        if (dense.Distance != Distance.Cosine || (expectedSize is { } s && dense.Size != (ulong)s))
        {
            throw new QdrantCollectionMismatchException(collection,
                $"it holds {dense.Size}-dimensional {dense.Distance.ToString().ToLowerInvariant()} vectors but RagStack needs {wanted}; " +
                $"embed with the model the collection was built for, or name another collection in {QdrantStoreOptions.Section}:{nameof(QdrantStoreOptions.Collection)}");
        }

        if (parameters.SparseVectorsConfig?.Map is not { } sparse || !sparse.TryGetValue(SparseVector, out var bm25) || bm25.Modifier != Modifier.Idf)
        {
            throw new QdrantCollectionMismatchException(collection, $"it has no sparse vector '{SparseVector}' with the IDF modifier that keyword search needs");
        }

        return (int)dense.Size;
    }

    private static CreateFieldIndexCollection Keyword(string collection, string field, bool isTenant) => new()
    {
        CollectionName = collection,
        FieldName = field,
        FieldType = FieldType.Keyword,
        FieldIndexParams = new PayloadIndexParams { KeywordIndexParams = new KeywordIndexParams { IsTenant = isTenant } },
        Wait = true,
    };
}
