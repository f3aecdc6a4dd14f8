using RagStack.Cli.Bench.Inference;

namespace RagStack.Cli.Bench.Api;

/// <summary>Median, fastest and slowest of the sequential runs, in milliseconds.</summary>
internal sealed record Spread(double MedianMs, double MinMs, double MaxMs)
{
    public static Spread Of(List<double> values) => new(Measure.MedianOf([.. values]), values.Min(), values.Max());
}

/// <summary>
/// The sequential runs: time to the first <c>token</c> event (null when the answer streamed no text) and to <c>done</c>,
/// and the same question answered as JSON.
/// </summary>
internal sealed record LatencyResult(int Runs, Spread? TimeToFirstToken, Spread Streamed, Spread Json);

/// <summary>
/// The load phase: responses by status, counted over the whole phase (requests still in flight at the end are waited for,
/// so every response the service sent is counted); rates are per second of that phase.
/// </summary>
internal sealed record LoadResult(
    int Concurrency,
    double Seconds,
    int Ok,
    int TooManyRequests,
    int TooManyWithoutRetryAfter,
    int ServerErrors,
    int OtherStatuses,
    int ConnectionErrors,
    double RequestsPerSecond,
    double TooManyPerSecond,
    double? P50Ms,
    double? P95Ms,
    string? FirstError)
{
    public bool HasErrors => ServerErrors + OtherStatuses + ConnectionErrors > 0;
}

/// <summary>Everything measured on one URL.</summary>
internal sealed record TargetResult(string Label, string Url, LatencyResult Latency, LoadResult? Load);
