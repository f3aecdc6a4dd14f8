using Microsoft.Extensions.Logging;
using Qdrant.Client.Grpc;
using RagStack.Chunks;
using RagStack.Storage.Embedded;
using RagStack.Storage.Embedded.Keyword;
using RagStack.Storage.Qdrant.Collections;
using RagStack.Storage.Qdrant.Keyword;
using RagStack.Storage.Qdrant.Points;
using RagStack.Storage.Qdrant.Resilience;
using static RagStack.Storage.Embedded.Chunks.ChunkStoreArguments;

namespace RagStack.Storage.Qdrant;

/// <summary>
/// Chunks in one Qdrant collection per embedding model (<see cref="CollectionLayout"/>), every tenant and index a
/// payload filter inside it. A document is replaced by upserting its new points, then deleting the rest of its old
/// ones, both with <c>wait</c>; reads keep only a document's newest generation (<see cref="LatestGeneration"/>), so
/// a search sees the old set or the new one. Transient failures are retried (<see cref="QdrantRetry"/>).
/// </summary>
internal sealed class QdrantChunkStore : IChunkStore, IDisposable
{
    private const int ScrollPage = 256;

    private readonly QdrantGrpcClient _client;
    private readonly bool _ownsClient;
    private readonly QdrantStoreOptions _options;
    private readonly string _collection;
    private readonly string _model;
    private readonly Bm25SparseEncoder _keyword;
    private readonly QdrantRetry _retry;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _collectionGate = new(1, 1);
    private readonly Lock _generationGate = new();
    private int? _vectorSize;
    private bool _collectionReady;
    private long _lastGeneration;

    /// <summary>
    /// A store on <paramref name="client"/> (disposed with it when <paramref name="ownsClient"/>) writing <paramref name="collection"/>.
    /// <paramref name="vectorSize"/> is the embedding model's, when known (else the first vector written decides);
    /// <paramref name="model"/> names it in messages.
    /// </summary>
    public QdrantChunkStore(QdrantGrpcClient client, bool ownsClient, QdrantStoreOptions options, string collection, int? vectorSize, string model,
        KeywordScoring scoring, TimeProvider time, ILogger logger)
    {
        _client = client;
        _ownsClient = ownsClient;
        _options = options;
        _collection = collection;
        _vectorSize = vectorSize ?? options.VectorSize;
        _model = model;
        _keyword = new Bm25SparseEncoder(scoring, options.AverageTextTerms, options.AverageTitleTerms);
        _time = time;
        _logger = logger;
        _retry = new QdrantRetry(options, time, logger);
    }

    /// <summary>The collection this store writes.</summary>
    public string Collection => _collection;

    public async Task ReplaceDocumentChunksAsync(string tenant, string index, string documentId, IReadOnlyList<ChunkRecord> chunks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        await WriteAsync(tenant, index, documentId, chunks, cancellationToken);
    }

    public Task<int> DeleteDocumentChunksAsync(string tenant, string index, string documentId, CancellationToken cancellationToken = default) =>
        WriteAsync(tenant, index, documentId, [], cancellationToken);

    public async Task<IReadOnlyList<ChunkRecord>> GetAsync(string tenant, string index, IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        CheckScope(tenant, index);
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0 || !await EnsureCollectionAsync(create: false, null, cancellationToken))
        {
            return [];
        }

        var request = new GetPoints { CollectionName = _collection, WithPayload = new WithPayloadSelector { Enable = true }, WithVectors = DenseOnly() };
        request.Ids.AddRange(ids.Distinct(StringComparer.Ordinal).Select(id => new PointId { Uuid = PointIds.For(tenant, index, id).ToString() }));
        var response = await _retry.RunAsync("get points", (deadline, ct) => _client.Points.GetAsync(request, deadline: deadline, cancellationToken: ct).ResponseAsync, cancellationToken);
        var found = response.Result.Select(ChunkPayload.ToChunk)
            .Where(c => c.Tenant == tenant && c.Index == index)
            .ToDictionary(c => c.Id, StringComparer.Ordinal);
        return ids.Where(found.ContainsKey).Select(id => found[id]).ToList();
    }

    public async Task<IReadOnlyList<ChunkRecord>> GetDocumentChunksAsync(string tenant, string index, string documentId, CancellationToken cancellationToken = default)
    {
        CheckScope(tenant, index);
        ArgumentException.ThrowIfNullOrEmpty(documentId);
        if (!await EnsureCollectionAsync(create: false, null, cancellationToken))
        {
            return [];
        }

        var points = await ScrollAsync(ChunkFilters.Document(tenant, index, documentId), cancellationToken);
        return LatestGeneration.Keep(points, p => p.Chunk.DocumentId, p => p.Generation)
            .Select(p => p.Chunk)
            .OrderBy(c => c.Position)
            .ToList();
    }

    public async Task<IReadOnlyList<ScoredChunk>> VectorSearchAsync(ReadOnlyMemory<float> vector, ChunkFilter filter, int top, CancellationToken cancellationToken = default)
    {
        CheckSearch(filter, top);
        if (vector.IsEmpty)
        {
            throw new ArgumentException("The query vector is empty.", nameof(vector));
        }

        if (top == 0 || ChunkFilters.Search(filter) is not { } search || !await EnsureCollectionAsync(create: false, null, cancellationToken))
        {
            return [];
        }

        if (_vectorSize is { } size && vector.Length != size)
        {
            throw new VectorDimensionMismatchException(filter.Index, size, vector.Length);
        }

        return await QueryAsync("vector search", QueryRequests.Dense(_collection, vector.Span, search, Oversampled(top), _options.HnswEf), top, cancellationToken);
    }

    public async Task<IReadOnlyList<ScoredChunk>> KeywordSearchAsync(string query, ChunkFilter filter, int top, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        CheckSearch(filter, top);
        var terms = _keyword.Query(query);
        if (top == 0 || terms.IsEmpty || ChunkFilters.Search(filter) is not { } search || !await EnsureCollectionAsync(create: false, null, cancellationToken))
        {
            return [];
        }

        return await QueryAsync("keyword search", QueryRequests.Keyword(_collection, terms, search, Oversampled(top)), top, cancellationToken);
    }

    public async Task<long> CountAsync(string tenant, string index, CancellationToken cancellationToken = default)
    {
        CheckScope(tenant, index);
        if (!await EnsureCollectionAsync(create: false, null, cancellationToken))
        {
            return 0;
        }

        return (long)await CountAsync(ChunkFilters.Scope(tenant, index), cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Closes the gRPC channel when the store owns it; a container disposed synchronously may call this.</summary>
    public void Dispose()
    {
        _keyword.Dispose();
        _collectionGate.Dispose();
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    private async Task<int> WriteAsync(string tenant, string index, string documentId, IReadOnlyList<ChunkRecord> chunks, CancellationToken cancellationToken)
    {
        CheckScope(tenant, index);
        ArgumentException.ThrowIfNullOrEmpty(documentId);
        var dimension = CheckChunks(tenant, index, documentId, chunks);
        if (!await EnsureCollectionAsync(create: chunks.Count > 0, dimension == 0 ? null : dimension, cancellationToken))
        {
            return 0;
        }

        if (dimension != 0 && _vectorSize is { } size && size != dimension)
        {
            throw new VectorDimensionMismatchException(index, size, dimension);
        }

        var generation = NextGeneration();
        var points = chunks.Select(c => ChunkPayload.ToPoint(c, generation, _keyword.Document(c))).ToList();
        foreach (var batch in points.Chunk(_options.UpsertBatchSize))
        {
            var upsert = new UpsertPoints { CollectionName = _collection, Wait = true, Ordering = Ordering() };
            upsert.Points.AddRange(batch);
            await _retry.RunAsync("upsert", (deadline, ct) => _client.Points.UpsertAsync(upsert, deadline: deadline, cancellationToken: ct).ResponseAsync, cancellationToken);
        }

        // Only after the new set is in place does the old one go: a reader between the two sees both, and keeps the newer.
        var leftOver = ChunkFilters.DocumentExcept(tenant, index, documentId, points.Select(p => Guid.Parse(p.Id.Uuid)));
        var removed = await CountAsync(leftOver, cancellationToken);
        if (removed > 0)
        {
            var delete = new DeletePoints { CollectionName = _collection, Wait = true, Ordering = Ordering(), Points = new PointsSelector { Filter = leftOver } };
            await _retry.RunAsync("delete", (deadline, ct) => _client.Points.DeleteAsync(delete, deadline: deadline, cancellationToken: ct).ResponseAsync, cancellationToken);
        }

        return (int)removed;
    }

    private async Task<IReadOnlyList<ScoredChunk>> QueryAsync(string operation, QueryPoints request, int top, CancellationToken cancellationToken)
    {
        var response = await _retry.RunAsync(operation, (deadline, ct) => _client.Points.QueryAsync(request, deadline: deadline, cancellationToken: ct).ResponseAsync, cancellationToken);
        var hits = response.Result.Select(p => (Chunk: ChunkPayload.ToChunk(p), Generation: ChunkPayload.GenerationOf(p.Payload), p.Score)).ToList();
        return LatestGeneration.Keep(hits, h => h.Chunk.DocumentId, h => h.Generation)
            .Take(top)
            .Select(h => new ScoredChunk(h.Chunk, h.Score))
            .ToList();
    }

    private async Task<List<(ChunkRecord Chunk, long Generation)>> ScrollAsync(Filter filter, CancellationToken cancellationToken)
    {
        var points = new List<(ChunkRecord, long)>();
        PointId? offset = null;
        do
        {
            var request = new ScrollPoints { CollectionName = _collection, Filter = filter, Limit = ScrollPage, WithPayload = new WithPayloadSelector { Enable = true }, WithVectors = DenseOnly() };
            if (offset is not null)
            {
                request.Offset = offset;
            }

            var page = await _retry.RunAsync("scroll", (deadline, ct) => _client.Points.ScrollAsync(request, deadline: deadline, cancellationToken: ct).ResponseAsync, cancellationToken);
            points.AddRange(page.Result.Select(p => (ChunkPayload.ToChunk(p), ChunkPayload.GenerationOf(p.Payload))));
            offset = page.NextPageOffset;
        }
        while (offset is not null);

        return points;
    }

    private async Task<ulong> CountAsync(Filter filter, CancellationToken cancellationToken)
    {
        var request = new CountPoints { CollectionName = _collection, Filter = filter, Exact = true };
        var response = await _retry.RunAsync("count", (deadline, ct) => _client.Points.CountAsync(request, deadline: deadline, cancellationToken: ct).ResponseAsync, cancellationToken);
        return response.Result.Count;
    }

    /// <summary>
    /// Makes sure the collection exists with the right shape: checked once, created (with its payload indexes) on the
    /// first write. Returns false when it does not exist and <paramref name="create"/> is false: there is nothing to read.
    /// </summary>
    private async Task<bool> EnsureCollectionAsync(bool create, int? dimension, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _collectionReady))
        {
            return true;
        }

        await _collectionGate.WaitAsync(cancellationToken);
        try
        {
            if (_collectionReady)
            {
                return true;
            }

            var exists = await _retry.RunAsync("collection exists", (deadline, ct) =>
                _client.Collections.CollectionExistsAsync(new CollectionExistsRequest { CollectionName = _collection }, deadline: deadline, cancellationToken: ct).ResponseAsync, cancellationToken);
            if (!exists.Result.Exists)
            {
                if (!create)
                {
                    return false;
                }

                await CreateCollectionAsync(dimension, cancellationToken);
            }

            var info = await _retry.RunAsync("collection info", (deadline, ct) =>
                _client.Collections.GetAsync(new GetCollectionInfoRequest { CollectionName = _collection }, deadline: deadline, cancellationToken: ct).ResponseAsync, cancellationToken);
            _vectorSize = CollectionLayout.Check(_collection, info.Result, _vectorSize, _model);
            Volatile.Write(ref _collectionReady, true);
            return true;
        }
        finally
        {
            _collectionGate.Release();
        }
    }

    private async Task CreateCollectionAsync(int? dimension, CancellationToken cancellationToken)
    {
        var size = _vectorSize ?? dimension ?? throw new InvalidOperationException(
            $"Cannot create Qdrant collection '{_collection}': no embedding model says the vectors' size and the chunks have no vectors; set {QdrantStoreOptions.Section}:{nameof(QdrantStoreOptions.VectorSize)}.");
        var create = CollectionLayout.Create(_collection, size, _options);
        try
        {
            await _retry.RunAsync("create collection", (deadline, ct) => _client.Collections.CreateAsync(create, deadline: deadline, cancellationToken: ct).ResponseAsync, cancellationToken);
        }
        catch (InvalidOperationException e) when (e.InnerException is Grpc.Core.RpcException { StatusCode: Grpc.Core.StatusCode.AlreadyExists })
        {
            // Another process created it first; its shape is checked next like any existing collection's.
        }

        foreach (var index in CollectionLayout.PayloadIndexes(_collection))
        {
            await _retry.RunAsync("create payload index", (deadline, ct) => _client.Points.CreateFieldIndexAsync(index, deadline: deadline, cancellationToken: ct).ResponseAsync, cancellationToken);
        }

        _logger.CreatedCollection(_collection, size, _options.ShardNumber, _options.ReplicationFactor, _options.Quantization);
    }

    /// <summary>A generation newer than every earlier write of this process, so a replacement's points outrank the ones they replace.</summary>
    private long NextGeneration()
    {
        lock (_generationGate)
        {
            _lastGeneration = Math.Max(_lastGeneration + 1, _time.GetUtcNow().UtcTicks);
            return _lastGeneration;
        }
    }

    /// <summary>Twice the hits asked for, so that hiding a replacement in progress still leaves <c>top</c>.</summary>
    private static int Oversampled(int top) => (int)Math.Min(2L * top, int.MaxValue);

    private static WriteOrdering Ordering() => new() { Type = WriteOrderingType.Strong };

    private static WithVectorsSelector DenseOnly() => new() { Include = new VectorsSelector { Names = { CollectionLayout.DenseVector } } };
}
