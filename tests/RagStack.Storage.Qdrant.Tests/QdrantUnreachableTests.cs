using Microsoft.Extensions.Logging.Abstractions;
using RagStack.Storage.Embedded;
using static RagStack.Testing.TestChunks;

namespace RagStack.Storage.Qdrant.Tests;

/// <summary>The real gRPC client against a loopback port where nothing listens: what a Qdrant that is down looks like.</summary>
public sealed class QdrantUnreachableTests
{
    [Fact]
    public async Task A_write_to_a_qdrant_that_is_down_fails_after_the_retries_with_a_message_naming_the_endpoint()
    {
        var endpoint = LoopbackListener.ClosedAddress();
        await using var store = QdrantStoreServiceCollectionExtensions.Create(
            new QdrantStoreOptions { Endpoint = endpoint, Collection = "ragstack_down_8", VectorSize = 8, MaxRetries = 2, RetryDelay = TimeSpan.FromMilliseconds(10), MaxRetryDelay = TimeSpan.FromMilliseconds(20) },
            new EmbeddedStoreOptions(), model: null, TimeProvider.System, NullLoggerFactory.Instance);

        var error = await Assert.ThrowsAsync<QdrantUnavailableException>(() =>
            store.ReplaceDocumentChunksAsync("t", "i", "doc", [Chunk("t", "i", "doc", 0, "hello", Axis(8, 0))]));

        Assert.Equal(3, error.Attempts);
        Assert.Contains($"Qdrant at {endpoint} did not answer", error.Message, StringComparison.Ordinal);
        Assert.Contains("Unavailable", error.Message, StringComparison.Ordinal);
    }
}
