using Qdrant.Client.Grpc;
using RagStack.Chunks;
using RagStack.Storage.Qdrant.Keyword;
using RagStack.Storage.Qdrant.Points;

namespace RagStack.Storage.Qdrant.Tests.Points;

public sealed class ChunkPayloadTests
{
    private static readonly ChunkRecord Chunk = new()
    {
        Id = "doc-1#3#9f8e",
        DocumentId = "doc-1",
        Index = "manuals",
        Tenant = "acme",
        DocumentName = "guide.pdf",
        Position = 3,
        Text = "Torque the bolts to 40 Nm.",
        Page = 7,
        SectionPath = ["Assembly", "Wheels"],
        Start = 1200,
        End = 1226,
        Tags = ["mechanics", "v2"],
        Vector = new float[] { 0.6f, 0.8f, 0f },
    };

    private static readonly SparseTerms Keyword = new([3u, 17u], [0.5f, 1.25f]);

    [Fact]
    public void A_point_carries_the_uuid_both_vectors_and_every_field_a_citation_needs()
    {
        var point = ChunkPayload.ToPoint(Chunk, generation: 42, Keyword);

        Assert.Equal(PointIds.For("acme", "manuals", "doc-1#3#9f8e").ToString(), point.Id.Uuid);
        var vectors = point.Vectors.Vectors_.Vectors;
        Assert.Equal([0.6f, 0.8f, 0f], vectors["dense"].Dense.Data);
        Assert.Equal([3u, 17u], vectors["bm25"].Sparse.Indices);
        Assert.Equal([0.5f, 1.25f], vectors["bm25"].Sparse.Values);
        var payload = point.Payload;
        Assert.Equal(("acme", "manuals", "doc-1", "doc-1#3#9f8e", "guide.pdf"), (payload["tenant"].StringValue, payload["index"].StringValue, payload["doc"].StringValue, payload["chunk"].StringValue, payload["name"].StringValue));
        Assert.Equal((3L, 7L, 1200L, 1226L, 42L), (payload["position"].IntegerValue, payload["page"].IntegerValue, payload["start"].IntegerValue, payload["end"].IntegerValue, payload["gen"].IntegerValue));
        Assert.Equal("Torque the bolts to 40 Nm.", payload["text"].StringValue);
        Assert.Equal(["Assembly", "Wheels"], payload["section"].ListValue.Values.Select(v => v.StringValue));
        Assert.Equal(["mechanics", "v2"], payload["tags"].ListValue.Values.Select(v => v.StringValue));
    }

    [Fact]
    public void A_chunk_without_vector_or_terms_or_page_leaves_them_out()
    {
        var point = ChunkPayload.ToPoint(Chunk with { Vector = ReadOnlyMemory<float>.Empty, Page = null }, 1, new SparseTerms([], []));

        Assert.Empty(point.Vectors.Vectors_.Vectors);
        Assert.False(point.Payload.ContainsKey("page"));
    }

    [Fact]
    public void A_retrieved_point_maps_back_to_the_chunk_it_was_written_from()
    {
        var written = ChunkPayload.ToPoint(Chunk, 42, Keyword);
        var retrieved = new RetrievedPoint { Id = written.Id, Vectors = DenseOutput(0.6f, 0.8f, 0f) };
        retrieved.Payload.Add(written.Payload);

        var read = ChunkPayload.ToChunk(retrieved);

        Assert.Equal(Chunk with { Vector = default, SectionPath = [], Tags = [] }, read with { Vector = default, SectionPath = [], Tags = [] });
        Assert.Equal(Chunk.SectionPath, read.SectionPath);
        Assert.Equal(Chunk.Tags, read.Tags);
        Assert.Equal([0.6f, 0.8f, 0f], read.Vector.ToArray());
        Assert.Equal(42, ChunkPayload.GenerationOf(retrieved.Payload));
    }

    [Fact]
    public void A_scored_point_from_qdrant_maps_to_its_chunk()
    {
        var hit = new ScoredPoint { Score = 0.83f, Vectors = DenseOutput(1f, 0f) };
        hit.Payload.Add(new Dictionary<string, Value>
        {
            ["tenant"] = new() { StringValue = "t" },
            ["index"] = new() { StringValue = "i" },
            ["doc"] = new() { StringValue = "d" },
            ["chunk"] = new() { StringValue = "d#0" },
            ["name"] = new() { StringValue = "d.md" },
            ["position"] = new() { IntegerValue = 0 },
            ["text"] = new() { StringValue = "hello" },
            ["start"] = new() { IntegerValue = 0 },
            ["end"] = new() { IntegerValue = 5 },
            ["gen"] = new() { IntegerValue = 9 },
        });

        var chunk = ChunkPayload.ToChunk(hit);

        Assert.Equal(("d#0", "t", "i", "d", "d.md", "hello"), (chunk.Id, chunk.Tenant, chunk.Index, chunk.DocumentId, chunk.DocumentName, chunk.Text));
        Assert.Null(chunk.Page);
        Assert.Empty(chunk.SectionPath);
        Assert.Empty(chunk.Tags);
        Assert.Equal([1f, 0f], chunk.Vector.ToArray());
    }

    [Fact]
    public void A_point_not_written_by_ragstack_is_named_as_such()
    {
        var point = new RetrievedPoint();
        point.Payload.Add("text", new Value { StringValue = "orphan" });

        var error = Assert.Throws<InvalidDataException>(() => ChunkPayload.ToChunk(point));

        Assert.Contains("'chunk'", error.Message, StringComparison.Ordinal);
        Assert.Contains("RagStack did not write", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_point_returned_without_vectors_has_an_empty_vector()
    {
        Assert.True(ChunkPayload.DenseOf(null).IsEmpty);
        Assert.True(ChunkPayload.DenseOf(new VectorsOutput()).IsEmpty);
    }

    private static VectorsOutput DenseOutput(params float[] values)
    {
        var dense = new DenseVector();
        dense.Data.AddRange(values);
        return new VectorsOutput { Vectors = new NamedVectorsOutput { Vectors = { ["dense"] = new VectorOutput { Dense = dense } } } };
    }
}
