using Google.Protobuf.Collections;
using Qdrant.Client.Grpc;
using RagStack.Chunks;
using RagStack.Storage.Qdrant.Collections;
using RagStack.Storage.Qdrant.Keyword;

namespace RagStack.Storage.Qdrant.Points;

/// <summary>
/// A chunk as a Qdrant point and back: the point id from <see cref="PointIds"/>, the dense and BM25 sparse vectors,
/// and a payload with everything a citation needs (text, document name, page, section path, span) beside the fields
/// searches filter on (tenant, index, document, tags) and the write generation of its document.
/// </summary>
internal static class ChunkPayload
{
    public const string Tenant = "tenant";
    public const string Index = "index";
    public const string Document = "doc";
    public const string Tags = "tags";
    public const string ChunkId = "chunk";
    public const string DocumentName = "name";
    public const string Position = "position";
    public const string Text = "text";
    public const string Page = "page";
    public const string Section = "section";
    public const string Start = "start";
    public const string End = "end";
    public const string Generation = "gen";

    /// <summary>The point a chunk is stored as, written in generation <paramref name="generation"/> of its document.</summary>
    public static PointStruct ToPoint(ChunkRecord chunk, long generation, SparseTerms keyword)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        ArgumentNullException.ThrowIfNull(keyword);
        var vectors = new NamedVectors();
        if (!chunk.Vector.IsEmpty)
        {
            vectors.Vectors.Add(CollectionLayout.DenseVector, chunk.Vector.ToArray());
        }

        if (!keyword.IsEmpty)
        {
            vectors.Vectors.Add(CollectionLayout.SparseVector, (keyword.Values, keyword.Indices));
        }

        var point = new PointStruct
        {
            Id = new PointId { Uuid = PointIds.For(chunk.Tenant, chunk.Index, chunk.Id).ToString() },
            Vectors = new Vectors { Vectors_ = vectors },
        };
        var payload = point.Payload;
        payload[Tenant] = chunk.Tenant;
        payload[Index] = chunk.Index;
        payload[Document] = chunk.DocumentId;
        payload[ChunkId] = chunk.Id;
        payload[DocumentName] = chunk.DocumentName;
        payload[Position] = chunk.Position;
        payload[Text] = chunk.Text;
        if (chunk.Page is { } page)
        {
            payload[Page] = page;
        }

        payload[Section] = List(chunk.SectionPath);
        payload[Start] = chunk.Start;
        payload[End] = chunk.End;
        payload[Tags] = List(chunk.Tags);
        payload[Generation] = generation;
        return point;
    }

    /// <summary>The chunk a point's payload and dense vector describe.</summary>
    /// <exception cref="InvalidDataException">The payload lacks a field every RagStack point has: the point was not written by RagStack.</exception>
    public static ChunkRecord ToChunk(MapField<string, Value> payload, ReadOnlyMemory<float> vector) => new()
    {
        Id = String(payload, ChunkId),
        Tenant = String(payload, Tenant),
        Index = String(payload, Index),
        DocumentId = String(payload, Document),
        DocumentName = String(payload, DocumentName),
        Position = (int)Integer(payload, Position),
        Text = String(payload, Text),
        Page = payload.TryGetValue(Page, out var page) && page.KindCase == Value.KindOneofCase.IntegerValue ? (int)page.IntegerValue : null,
        SectionPath = Strings(payload, Section),
        Start = (int)Integer(payload, Start),
        End = (int)Integer(payload, End),
        Tags = Strings(payload, Tags),
        Vector = vector,
    };

    /// <summary>The chunk of a point read back by id or by scrolling.</summary>
    public static ChunkRecord ToChunk(RetrievedPoint point) => ToChunk(point.Payload, DenseOf(point.Vectors));

    /// <summary>The chunk of a search hit.</summary>
    public static ChunkRecord ToChunk(ScoredPoint point) => ToChunk(point.Payload, DenseOf(point.Vectors));

    /// <summary>The write generation of the document the point belongs to.</summary>
    public static long GenerationOf(MapField<string, Value> payload) =>
        payload.TryGetValue(Generation, out var value) && value.KindCase == Value.KindOneofCase.IntegerValue ? value.IntegerValue : 0;

    /// <summary>The dense vector of a point returned with its vectors, or empty.</summary>
    public static ReadOnlyMemory<float> DenseOf(VectorsOutput? vectors)
    {
        if (vectors?.Vectors?.Vectors is not { } named || !named.TryGetValue(CollectionLayout.DenseVector, out var dense))
        {
            return ReadOnlyMemory<float>.Empty;
        }

        return dense.Dense is { } d ? d.Data.ToArray() : ReadOnlyMemory<float>.Empty;
    }

    private static Value List(IEnumerable<string> values)
    {
        var list = new ListValue();
        foreach (var value in values)
        {
            list.Values.Add(new Value { StringValue = value });
        }

        return new Value { ListValue = list };
    }

    private static string String(MapField<string, Value> payload, string key) =>
        payload.TryGetValue(key, out var value) && value.KindCase == Value.KindOneofCase.StringValue
            ? value.StringValue
            : throw Missing(key, "string");

    private static long Integer(MapField<string, Value> payload, string key) =>
        payload.TryGetValue(key, out var value) && value.KindCase == Value.KindOneofCase.IntegerValue
            ? value.IntegerValue
            : throw Missing(key, "integer");

    private static string[] Strings(MapField<string, Value> payload, string key) =>
        payload.TryGetValue(key, out var value) && value.KindCase == Value.KindOneofCase.ListValue
            ? value.ListValue.Values.Select(v => v.StringValue).ToArray()
            : [];

    private static InvalidDataException Missing(string key, string kind) =>
        new($"A Qdrant point has no {kind} payload field '{key}'; the collection holds points RagStack did not write.");
}
