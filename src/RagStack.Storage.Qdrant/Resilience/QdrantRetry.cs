using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace RagStack.Storage.Qdrant.Resilience;

/// <summary>
/// Retries a call to Qdrant that failed transiently (a node restarting, a leader election, a full queue) with
/// exponential backoff, and turns a Qdrant that stays down into one <see cref="QdrantUnavailableException"/>.
/// </summary>
internal sealed class QdrantRetry(QdrantStoreOptions options, TimeProvider time, ILogger logger)
{
    /// <summary>Whether <paramref name="exception"/> may pass if the same call is sent again.</summary>
    public static bool IsTransient(Exception exception) =>
        exception is RpcException { StatusCode: StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.Aborted };

    /// <summary>The wait before retry <paramref name="retry"/> (1-based): <c>RetryDelay·2^(retry−1)</c>, at most <c>MaxRetryDelay</c>.</summary>
    public TimeSpan DelayBefore(int retry)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retry, 1);
        var ticks = options.RetryDelay.Ticks * Math.Pow(2, retry - 1);
        return ticks >= options.MaxRetryDelay.Ticks ? options.MaxRetryDelay : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Runs <paramref name="call"/>, retrying transient failures; a cancelled caller gets <see cref="OperationCanceledException"/>.</summary>
    /// <exception cref="QdrantUnavailableException">Every attempt failed transiently.</exception>
    /// <exception cref="InvalidOperationException">Qdrant refused the call (a bad request, a missing collection): retrying would not help.</exception>
    public async Task<T> RunAsync<T>(string operation, Func<DateTime, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            var deadline = time.GetUtcNow().UtcDateTime + options.Timeout;
            try
            {
                return await call(deadline, cancellationToken);
            }
            catch (RpcException e) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException($"Qdrant {operation} was cancelled.", e, cancellationToken);
            }
            catch (RpcException e) when (IsTransient(e) && attempt <= options.MaxRetries)
            {
                var delay = DelayBefore(attempt);
                logger.Retrying(operation, e.StatusCode, attempt, options.MaxRetries, (long)delay.TotalMilliseconds);
                await Task.Delay(delay, time, cancellationToken);
            }
            catch (RpcException e) when (IsTransient(e))
            {
                throw new QdrantUnavailableException(options.Endpoint, operation, attempt, time.GetElapsedTime(started), e);
            }
            catch (RpcException e)
            {
                throw new InvalidOperationException($"Qdrant at {options.Endpoint} refused {operation}: {e.StatusCode} ({e.Status.Detail}).", e);
            }
        }
    }
}
