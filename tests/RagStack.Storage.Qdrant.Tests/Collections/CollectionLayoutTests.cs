using Qdrant.Client.Grpc;
using RagStack.Storage.Qdrant.Collections;

namespace RagStack.Storage.Qdrant.Tests.Collections;

public sealed class CollectionLayoutTests
{
    private static QdrantStoreOptions Options(Action<QdrantStoreOptions>? change = null)
    {
        var options = new QdrantStoreOptions { Endpoint = "http://localhost:6334" };
        change?.Invoke(options);
        return options;
    }

    [Fact]
    public void A_new_collection_has_a_named_cosine_vector_of_the_model_size_and_a_sparse_bm25_vector_with_idf()
    {
        var create = CollectionLayout.Create("ragstack_arctic-xs_384", 384, Options());

        Assert.Equal("ragstack_arctic-xs_384", create.CollectionName);
        var dense = create.VectorsConfig.ParamsMap.Map["dense"];
        Assert.Equal(384ul, dense.Size);
        Assert.Equal(Distance.Cosine, dense.Distance);
        Assert.Equal(Modifier.Idf, create.SparseVectorsConfig.Map["bm25"].Modifier);
        Assert.Null(create.QuantizationConfig);
        Assert.False(dense.HasMemory);
    }

    [Fact]
    public void Cluster_settings_reach_the_create_request()
    {
        var create = CollectionLayout.Create("c", 384, Options(o =>
        {
            o.ShardNumber = 12;
            o.ReplicationFactor = 3;
            o.WriteConsistencyFactor = 2;
            o.OnDiskPayload = true;
            o.HnswM = 32;
            o.HnswEfConstruct = 256;
        }));

        Assert.Equal((12u, 3u, 2u), (create.ShardNumber, create.ReplicationFactor, create.WriteConsistencyFactor));
        Assert.Equal(Memory.Cold, create.Payload.Memory);
        Assert.Equal((32ul, 256ul, 32ul), (create.HnswConfig.M, create.HnswConfig.EfConstruct, create.HnswConfig.PayloadM));
    }

    [Fact]
    public void Payload_in_ram_is_pinned_when_on_disk_payload_is_off()
    {
        Assert.Equal(Memory.Pinned, CollectionLayout.Create("c", 8, Options(o => o.OnDiskPayload = false)).Payload.Memory);
    }

    [Fact]
    public void Int8_quantization_keeps_the_quantized_vectors_in_ram_and_the_originals_on_disk()
    {
        var create = CollectionLayout.Create("c", 384, Options(o => o.Quantization = QdrantQuantization.Int8));

        var scalar = create.QuantizationConfig.Scalar;
        Assert.Equal(QuantizationType.Int8, scalar.Type);
        Assert.Equal(0.99f, scalar.Quantile);
        Assert.Equal(Memory.Pinned, scalar.Memory);
        Assert.Equal(Memory.Cold, create.VectorsConfig.ParamsMap.Map["dense"].Memory);
    }

    [Fact]
    public void Tenant_index_document_and_tags_are_keyword_payload_indexes_and_only_tenant_is_a_tenant()
    {
        var indexes = CollectionLayout.PayloadIndexes("c");

        Assert.Equal(["tenant", "index", "doc", "tags"], indexes.Select(i => i.FieldName));
        Assert.All(indexes, i => Assert.Equal((FieldType.Keyword, true, "c"), (i.FieldType, i.Wait, i.CollectionName)));
        Assert.Equal([true, false, false, false], indexes.Select(i => i.FieldIndexParams.KeywordIndexParams.IsTenant));
    }

    [Fact]
    public void An_existing_collection_of_the_layout_is_accepted_and_gives_its_size()
    {
        var info = Info(CollectionLayout.Create("c", 384, Options()));

        Assert.Equal(384, CollectionLayout.Check("c", info, 384, "arctic-xs"));
        Assert.Equal(384, CollectionLayout.Check("c", info, null, "arctic-xs"));
    }

    [Fact]
    public void A_collection_of_another_vector_size_is_refused_naming_both_sizes_and_the_model()
    {
        var info = Info(CollectionLayout.Create("ragstack_x", 768, Options()));

        var error = Assert.Throws<QdrantCollectionMismatchException>(() => CollectionLayout.Check("ragstack_x", info, 384, "arctic-xs"));

        Assert.Contains("'ragstack_x'", error.Message, StringComparison.Ordinal);
        Assert.Contains("768-dimensional cosine", error.Message, StringComparison.Ordinal);
        Assert.Contains("384-dimensional cosine vectors of arctic-xs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_collection_of_another_distance_is_refused_naming_both_distances()
    {
        var create = CollectionLayout.Create("c", 384, Options());
        create.VectorsConfig.ParamsMap.Map["dense"].Distance = Distance.Dot;

        var error = Assert.Throws<QdrantCollectionMismatchException>(() => CollectionLayout.Check("c", Info(create), 384, "arctic-xs"));

        Assert.Contains("384-dimensional dot vectors", error.Message, StringComparison.Ordinal);
        Assert.Contains("needs 384-dimensional cosine", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_collection_without_our_named_vectors_is_refused()
    {
        var foreign = new CollectionInfo { Config = new CollectionConfig { Params = new CollectionParams { VectorsConfig = new VectorsConfig { Params = new VectorParams { Size = 384, Distance = Distance.Cosine } } } } };
        var noSparse = Info(CollectionLayout.Create("c", 384, Options()));
        noSparse.Config.Params.SparseVectorsConfig = null;

        Assert.Contains("no named vector 'dense'", Assert.Throws<QdrantCollectionMismatchException>(() => CollectionLayout.Check("c", foreign, 384, "m")).Message, StringComparison.Ordinal);
        Assert.Contains("no sparse vector 'bm25'", Assert.Throws<QdrantCollectionMismatchException>(() => CollectionLayout.Check("c", noSparse, 384, "m")).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("arctic-xs", 384, "ragstack_arctic-xs_384")]
    [InlineData("Snowflake/snowflake-arctic-embed-xs", 384, "ragstack_snowflake-arctic-embed-xs_384")]
    [InlineData("all-MiniLM-L6-v2+arctic-xs", 768, "ragstack_all-minilm-l6-v2-arctic-xs_768")]
    public void A_collection_is_named_after_its_embedding_model_and_size(string model, int dimensions, string expected)
    {
        Assert.Equal(expected, CollectionNames.ForModel(model, dimensions));
        Assert.True(CollectionNames.IsValid(expected));
    }

    /// <summary>What Qdrant answers about a collection created with <paramref name="create"/>.</summary>
    private static CollectionInfo Info(CreateCollection create) => new()
    {
        Config = new CollectionConfig
        {
            Params = new CollectionParams { VectorsConfig = create.VectorsConfig, SparseVectorsConfig = create.SparseVectorsConfig },
        },
    };
}
