using System.Diagnostics;
using System.Net;

namespace RagStack.Cli.Bench.Api;

/// <summary>
/// The two phases measured on one URL: sequential asks that must succeed (a 429 is waited out), then concurrent workers
/// posting JSON asks back to back, every response counted by status.
/// </summary>
internal static class AskRuns
{
    private const int SequentialAttempts = 5;

    /// <summary>Keeps a worker whose requests fail before any HTTP answer (connection refused) from spinning.</summary>
    private static readonly TimeSpan FailurePause = TimeSpan.FromMilliseconds(100);

    public static async Task<LatencyResult> LatencyAsync(AskEndpoint endpoint, int runs, CancellationToken cancellationToken)
    {
        var firstTokens = new List<double>();
        var streamed = new List<double>();
        var json = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var stream = await SequentialAsync(endpoint.StreamAsync, cancellationToken);
            streamed.Add(stream.TotalMs);
            if (stream.FirstTokenMs is { } firstToken)
            {
                firstTokens.Add(firstToken);
            }

            json.Add((await SequentialAsync(endpoint.AskJsonAsync, cancellationToken)).TotalMs);
        }

        return new LatencyResult(runs, firstTokens.Count > 0 ? Spread.Of(firstTokens) : null, Spread.Of(streamed), Spread.Of(json));
    }

    /// <summary>
    /// One sequential ask that must succeed. A 429 means something else is loading the service, so it is waited out and
    /// asked again (the wait is not timed); anything else but 200 fails the URL with the service's reason.
    /// </summary>
    public static async Task<AskReply> SequentialAsync(Func<CancellationToken, Task<AskReply>> ask, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var reply = await ask(cancellationToken);
            if (reply.Ok)
            {
                return reply;
            }

            if (reply.Status != (int)HttpStatusCode.TooManyRequests)
            {
                throw new TargetFailedException(reply.Error ?? $"answered {reply.Status}");
            }

            if (attempt == SequentialAttempts)
            {
                throw new TargetFailedException($"answered 429 Too Many Requests to {SequentialAttempts} sequential asks in a row; is something else loading it?");
            }

            await Task.Delay(reply.RetryWait, cancellationToken);
        }
    }

    public static async Task<LoadResult> LoadAsync(AskEndpoint endpoint, int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, concurrency)
            .Select(_ => Task.Run(() => WorkAsync(endpoint, started, duration, cancellationToken), cancellationToken))
            .ToList();
        var tallies = await Task.WhenAll(workers);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        var latencies = tallies.SelectMany(t => t.OkMs).Order().ToList();
        var ok = latencies.Count;
        var tooMany = tallies.Sum(t => t.TooMany);
        return new LoadResult(
            concurrency,
            seconds,
            ok,
            tooMany,
            tallies.Sum(t => t.TooManyWithoutRetryAfter),
            tallies.Sum(t => t.ServerErrors),
            tallies.Sum(t => t.OtherStatuses),
            tallies.Sum(t => t.ConnectionErrors),
            ok / seconds,
            tooMany / seconds,
            ok > 0 ? Percentile(latencies, 0.50) : null,
            ok > 0 ? Percentile(latencies, 0.95) : null,
            tallies.Select(t => t.FirstError).FirstOrDefault(e => e is not null));
    }

    /// <summary>One load worker: JSON asks back to back until the phase ends; the ask in flight then is finished and counted.</summary>
    private static async Task<WorkerTally> WorkAsync(AskEndpoint endpoint, long started, TimeSpan duration, CancellationToken cancellationToken)
    {
        var tally = new WorkerTally();
        while (Stopwatch.GetElapsedTime(started) < duration)
        {
            var reply = await endpoint.AskJsonAsync(cancellationToken);
            if (reply.Ok)
            {
                tally.OkMs.Add(reply.TotalMs);
                continue;
            }

            switch (reply.Status)
            {
                case (int)HttpStatusCode.TooManyRequests:
                    tally.TooMany++;
                    tally.TooManyWithoutRetryAfter += reply.RetryAfter is null ? 1 : 0;
                    await Task.Delay(reply.RetryWait, cancellationToken);
                    break;
                case >= 500:
                    tally.ServerErrors++;
                    tally.FirstError ??= reply.Error;
                    break;
                case 0:
                    tally.ConnectionErrors++;
                    tally.FirstError ??= reply.Error;
                    await Task.Delay(FailurePause, cancellationToken);
                    break;
                default:
                    tally.OtherStatuses++;
                    tally.FirstError ??= reply.Error;
                    break;
            }
        }

        return tally;
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted[(int)Math.Clamp(Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>What one load worker saw; workers keep their own so the load phase needs no locks.</summary>
    private sealed class WorkerTally
    {
        public List<double> OkMs { get; } = [];

        public int TooMany { get; set; }

        public int TooManyWithoutRetryAfter { get; set; }

        public int ServerErrors { get; set; }

        public int OtherStatuses { get; set; }

        public int ConnectionErrors { get; set; }

        public string? FirstError { get; set; }
    }
}
