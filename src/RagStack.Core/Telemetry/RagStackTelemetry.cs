using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RagStack.Telemetry;

/// <summary>The one <see cref="ActivitySource"/> and <see cref="Meter"/> of RagStack, both named <c>RagStack</c>.</summary>
public static class RagStackTelemetry
{
    public const string Name = RagStackTelemetryName.Value;

    public static ActivitySource ActivitySource { get; } = new(Name);

    public static Meter Meter { get; } = new(Name);

    internal static Counter<long> ChunksIndexed { get; } = Meter.CreateCounter<long>("ragstack.ingest.chunks", "{chunk}", "Chunks written to an index.");

    internal static Counter<long> DocumentsIngested { get; } = Meter.CreateCounter<long>("ragstack.ingest.documents", "{document}", "Documents by ingestion outcome.");

    internal static Histogram<double> RetrievalDuration { get; } = Meter.CreateHistogram<double>("ragstack.retrieval.duration", "ms", "Time to retrieve chunks for a query.");

    internal static Histogram<double> TimeToFirstToken { get; } = Meter.CreateHistogram<double>("ragstack.generate.time_to_first_token", "ms", "Time from sending a prompt to the first generated text.");

    internal static Counter<long> GeneratedTokens { get; } = Meter.CreateCounter<long>("ragstack.generate.tokens", "{token}", "Prompt and output tokens of generated answers, by ragstack.token.type.");

    internal static Counter<long> Answers { get; } = Meter.CreateCounter<long>("ragstack.ask.answers", "{answer}", "Answers by kind: generated, extractive, no relevant context.");
}
