using Google.Protobuf;
using Grpc.Core;
using Qdrant.Client.Grpc;
using RagStack.Storage.Embedded.Keyword;

namespace RagStack.Storage.Qdrant.Tests.Support;

/// <summary>
/// Stands in for a Qdrant server, which cannot run on the build machines: a gRPC call invoker that records every
/// request the store sends (in order) and answers as Qdrant would for one collection, so the store's sequencing
/// (create, indexes, upsert batches, then delete) and its reading of answers are tested without a server.
/// </summary>
internal sealed class FakeQdrant : CallInvoker
{
    private readonly Queue<StatusCode> _failures = new();

    /// <summary>Every request, as (method name, message), in the order sent.</summary>
    public List<(string Method, IMessage Request)> Calls { get; } = [];

    /// <summary>The collection's parameters once it exists; null before.</summary>
    public CollectionInfo? Collection { get; set; }

    /// <summary>What a count answers.</summary>
    public ulong CountAnswer { get; set; }

    /// <summary>What a query answers.</summary>
    public List<ScoredPoint> QueryAnswer { get; } = [];

    /// <summary>The requests of one method, in order.</summary>
    public IEnumerable<T> Sent<T>(string method) => Calls.Where(c => c.Method == method).Select(c => (T)c.Request);

    /// <summary>The next calls fail with these statuses, one each, before any succeeds again.</summary>
    public void FailNext(params StatusCode[] statuses)
    {
        foreach (var status in statuses)
        {
            _failures.Enqueue(status);
        }
    }

    /// <summary>A store on this fake for <paramref name="collection"/> with the default keyword scoring.</summary>
    public QdrantChunkStore Store(QdrantStoreOptions options, string collection = "ragstack_test_8", int? vectorSize = 8) =>
        new(new QdrantGrpcClient(this), ownsClient: false, options, collection, vectorSize, "test-model",
            new KeywordScoring(1.0f, 0.2f, 0.9f, 0.4f), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        Calls.Add((method.Name, (IMessage)request));
        if (_failures.TryDequeue(out var failure))
        {
            var error = Task.FromException<TResponse>(new RpcException(new Status(failure, "fake " + failure)));
            return new AsyncUnaryCall<TResponse>(error, Task.FromResult(new Metadata()), () => new Status(failure, ""), () => [], () => { });
        }

        var response = (TResponse)Answer(method.ServiceName, method.Name, (IMessage)request);
        return new AsyncUnaryCall<TResponse>(Task.FromResult(response), Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new NotSupportedException("The store calls Qdrant asynchronously only.");

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new NotSupportedException();

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException();

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException();

    private object Answer(string service, string method, IMessage request)
    {
        switch (service, method)
        {
            case ("qdrant.Collections", "CollectionExists"):
                return new CollectionExistsResponse { Result = new CollectionExists { Exists = Collection is not null } };
            case ("qdrant.Collections", "Create"):
                var create = (CreateCollection)request;
                Collection = new CollectionInfo
                {
                    Config = new CollectionConfig { Params = new CollectionParams { VectorsConfig = create.VectorsConfig, SparseVectorsConfig = create.SparseVectorsConfig } },
                };
                return new CollectionOperationResponse { Result = true };
            case ("qdrant.Collections", "Get"):
                return new GetCollectionInfoResponse { Result = Collection ?? throw new RpcException(new Status(StatusCode.NotFound, "Collection not found")) };
            case ("qdrant.Points", "Count"):
                return new CountResponse { Result = new CountResult { Count = CountAnswer } };
            case ("qdrant.Points", "Query"):
                var answer = new QueryResponse();
                answer.Result.AddRange(QueryAnswer);
                return answer;
            case ("qdrant.Points", "Scroll"):
                return new ScrollResponse();
            case ("qdrant.Points", "Get"):
                return new GetResponse();
            case ("qdrant.Points", _):
                return new PointsOperationResponse { Result = new UpdateResult { Status = UpdateStatus.Completed } };
            default:
                throw new NotSupportedException($"{service}/{method} is not answered by the fake.");
        }
    }
}
