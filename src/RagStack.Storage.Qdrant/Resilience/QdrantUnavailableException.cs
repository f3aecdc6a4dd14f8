using Grpc.Core;

namespace RagStack.Storage.Qdrant;

/// <summary>
/// Qdrant did not answer a call, through every retry. Nothing is lost: the originals, the document catalog and the
/// ingestion queue stay in the data folder, and a document whose chunks could not be written is marked failed and can
/// be ingested again once Qdrant answers.
/// </summary>
public sealed class QdrantUnavailableException : Exception
{
    /// <summary>Creates the exception for a call to <paramref name="endpoint"/> that failed <paramref name="attempts"/> times.</summary>
    public QdrantUnavailableException(string endpoint, string operation, int attempts, TimeSpan elapsed, RpcException lastError)
        : base($"Qdrant at {endpoint} did not answer {operation} ({attempts} attempts over {elapsed.TotalSeconds:0.#} s; last: {lastError?.StatusCode} {lastError?.Status.Detail}). " +
               $"Check that Qdrant is running and that {QdrantStoreOptions.Section}:{nameof(QdrantStoreOptions.Endpoint)} is its gRPC address (port 6334); " +
               "nothing was lost, and a failed document can be ingested again once it answers.", lastError)
    {
        Endpoint = endpoint;
        Attempts = attempts;
    }

    /// <summary>The address that did not answer.</summary>
    public string Endpoint { get; }

    /// <summary>How many times the call was sent.</summary>
    public int Attempts { get; }
}
