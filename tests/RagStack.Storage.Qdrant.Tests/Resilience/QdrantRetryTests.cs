using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using RagStack.Storage.Qdrant.Resilience;

namespace RagStack.Storage.Qdrant.Tests.Resilience;

public sealed class QdrantRetryTests
{
    private static QdrantRetry Retry(int retries = 3) => new(new QdrantStoreOptions
    {
        Endpoint = "http://qdrant:6334",
        MaxRetries = retries,
        RetryDelay = TimeSpan.FromMilliseconds(1),
        MaxRetryDelay = TimeSpan.FromMilliseconds(4),
    }, TimeProvider.System, NullLogger.Instance);

    [Theory]
    [InlineData(StatusCode.Unavailable, true)]
    [InlineData(StatusCode.DeadlineExceeded, true)]
    [InlineData(StatusCode.ResourceExhausted, true)]
    [InlineData(StatusCode.Aborted, true)]
    [InlineData(StatusCode.InvalidArgument, false)]
    [InlineData(StatusCode.NotFound, false)]
    [InlineData(StatusCode.PermissionDenied, false)]
    [InlineData(StatusCode.Unauthenticated, false)]
    [InlineData(StatusCode.Internal, false)]
    [InlineData(StatusCode.Cancelled, false)]
    public void Only_failures_that_a_resend_may_cure_are_transient(StatusCode status, bool transient)
    {
        Assert.Equal(transient, QdrantRetry.IsTransient(new RpcException(new Status(status, ""))));
    }

    [Fact]
    public void Other_exceptions_are_not_transient()
    {
        Assert.False(QdrantRetry.IsTransient(new InvalidOperationException()));
    }

    [Fact]
    public void The_backoff_doubles_from_the_first_delay_up_to_the_cap()
    {
        var retry = new QdrantRetry(new QdrantStoreOptions { RetryDelay = TimeSpan.FromMilliseconds(250), MaxRetryDelay = TimeSpan.FromSeconds(5) }, TimeProvider.System, NullLogger.Instance);

        Assert.Equal([250, 500, 1000, 2000, 4000, 5000, 5000], Enumerable.Range(1, 7).Select(i => retry.DelayBefore(i).TotalMilliseconds));
    }

    [Fact]
    public async Task A_transient_failure_is_retried_until_the_call_passes()
    {
        var calls = 0;

        var answer = await Retry().RunAsync("count", (_, _) => ++calls < 3 ? throw new RpcException(new Status(StatusCode.Unavailable, "down")) : Task.FromResult(42), CancellationToken.None);

        Assert.Equal((42, 3), (answer, calls));
    }

    [Fact]
    public async Task A_refused_call_is_not_retried_and_says_what_qdrant_said()
    {
        var calls = 0;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Retry().RunAsync<int>("upsert", (_, _) =>
        {
            calls++;
            throw new RpcException(new Status(StatusCode.InvalidArgument, "Wrong input: vector dimension error"));
        }, CancellationToken.None));

        Assert.Equal(1, calls);
        Assert.Contains("refused upsert: InvalidArgument (Wrong input: vector dimension error)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exhausted_retries_end_in_one_error_naming_the_endpoint_and_the_setting()
    {
        var calls = 0;

        var error = await Assert.ThrowsAsync<QdrantUnavailableException>(() => Retry(retries: 2).RunAsync<int>("upsert", (_, _) =>
        {
            calls++;
            throw new RpcException(new Status(StatusCode.Unavailable, "connection refused"));
        }, CancellationToken.None));

        Assert.Equal((3, 3), (calls, error.Attempts));
        Assert.Contains("Qdrant at http://qdrant:6334 did not answer upsert", error.Message, StringComparison.Ordinal);
        Assert.Contains("RagStack:Qdrant:Endpoint", error.Message, StringComparison.Ordinal);
        Assert.Contains("connection refused", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_attempt_gets_a_deadline_of_the_timeout()
    {
        DateTime? deadline = null;

        await Retry().RunAsync("count", (d, _) => { deadline = d; return Task.FromResult(0); }, CancellationToken.None);

        Assert.InRange(deadline!.Value - DateTime.UtcNow, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_cancelled_caller_gets_a_cancellation_not_a_retry()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var calls = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Retry().RunAsync<int>("query", (_, _) =>
        {
            calls++;
            throw new RpcException(new Status(StatusCode.Cancelled, "cancelled"));
        }, cancelled.Token));

        Assert.Equal(1, calls);
    }
}
