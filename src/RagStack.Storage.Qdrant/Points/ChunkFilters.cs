using Qdrant.Client.Grpc;
using RagStack.Storage.Qdrant.Collections;

namespace RagStack.Storage.Qdrant.Points;

/// <summary>
/// Qdrant filters for our scopes. They travel inside the search request, so Qdrant applies them before ranking
/// (filterable HNSW over the payload indexes) and a filtered search still returns its full top-k.
/// </summary>
internal static class ChunkFilters
{
    /// <summary>One tenant's chunks of one index.</summary>
    public static Filter Scope(string tenant, string index) => new()
    {
        Must = { Keyword(ChunkPayload.Tenant, tenant), Keyword(ChunkPayload.Index, index) },
    };

    /// <summary>One document's chunks.</summary>
    public static Filter Document(string tenant, string index, string documentId)
    {
        var filter = Scope(tenant, index);
        filter.Must.Add(Keyword(ChunkPayload.Document, documentId));
        return filter;
    }

    /// <summary>One document's chunks but those with the given point ids: what a replacement leaves behind of the old set.</summary>
    public static Filter DocumentExcept(string tenant, string index, string documentId, IEnumerable<Guid> keep)
    {
        var filter = Document(tenant, index, documentId);
        var ids = new HasIdCondition();
        ids.HasId.AddRange(keep.Select(id => new PointId { Uuid = id.ToString() }));
        if (ids.HasId.Count > 0)
        {
            filter.MustNot.Add(new Condition { HasId = ids });
        }

        return filter;
    }

    /// <summary>
    /// The search filter: tenant and index always; any of the documents and any of the tags when given. Null when an
    /// empty list admits nothing, so no request need be sent.
    /// </summary>
    public static Filter? Search(ChunkFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (filter.DocumentIds is { Count: 0 } || filter.Tags is { Count: 0 })
        {
            return null;
        }

        var search = Scope(filter.Tenant, filter.Index);
        if (filter.DocumentIds is { } documents)
        {
            search.Must.Add(AnyOf(ChunkPayload.Document, documents));
        }

        if (filter.Tags is { } tags)
        {
            search.Must.Add(AnyOf(ChunkPayload.Tags, tags));
        }

        return search;
    }

    private static Condition Keyword(string key, string value) => new()
    {
        Field = new FieldCondition { Key = key, Match = new Match { Keyword = value } },
    };

    private static Condition AnyOf(string key, IEnumerable<string> values)
    {
        var strings = new RepeatedStrings();
        strings.Strings.AddRange(values.Distinct(StringComparer.Ordinal));
        return new Condition { Field = new FieldCondition { Key = key, Match = new Match { Keywords = strings } } };
    }
}
