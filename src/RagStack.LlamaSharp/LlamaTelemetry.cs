using System.Diagnostics;
using System.Diagnostics.Metrics;
using RagStack.Telemetry;

namespace RagStack.LlamaSharp;

/// <summary>
/// Generation spans and metrics, under the same <c>RagStack</c> name as the rest of RagStack's telemetry so one
/// listener sees them all (this project does not reference RagStack.Core, where the ingest and retrieval ones live).
/// </summary>
internal static class LlamaTelemetry
{
    public static ActivitySource ActivitySource { get; } = new(RagStackTelemetryName.Value);

    private static readonly Meter Meter = new(RagStackTelemetryName.Value);

    public static Counter<long> Tokens { get; } = Meter.CreateCounter<long>("ragstack.llama.tokens", "{token}", "Prompt (evaluated or reused) and generated tokens.");

    public static Histogram<double> TimeToFirstToken { get; } = Meter.CreateHistogram<double>("ragstack.llama.time_to_first_token", "ms", "Time from a request's arrival to its first generated token.");

    public static Histogram<double> DecodeRate { get; } = Meter.CreateHistogram<double>("ragstack.llama.tokens_per_second", "{token}/s", "Generated tokens per second after the first, per request.");
}
