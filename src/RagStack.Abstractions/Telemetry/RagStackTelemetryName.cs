namespace RagStack.Telemetry;

/// <summary>
/// The name of RagStack's one <c>ActivitySource</c> and one <c>Meter</c>, here so every project that emits or collects
/// them (Core, the LLM client, the service defaults) names them alike without depending on each other.
/// </summary>
public static class RagStackTelemetryName
{
    /// <summary><c>RagStack</c>.</summary>
    public const string Value = "RagStack";
}
