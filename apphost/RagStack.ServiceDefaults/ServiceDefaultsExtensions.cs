using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using RagStack.Telemetry;

namespace RagStack.ServiceDefaults;

/// <summary>
/// What every RagStack service gets when it runs under the Aspire AppHost: OpenTelemetry logs, metrics and traces (sent
/// to the dashboard over OTLP), a liveness check, service discovery and resilient outgoing HTTP.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>The path of the liveness endpoint <see cref="MapDefaultEndpoints"/> maps.</summary>
    public const string AlivePath = "/alive";

    /// <summary>The tag of the health checks that say the process is alive, as opposed to ready.</summary>
    public const string LiveTag = "live";

    /// <summary>
    /// Adds OpenTelemetry (ASP.NET Core, HttpClient, runtime and RagStack's own <c>RagStack</c> source and meter; OTLP
    /// export when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set), a <c>self</c> liveness check, and service discovery plus the
    /// standard resilience handler on every <see cref="System.Net.Http.HttpClient"/> the factory makes.
    /// </summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureOpenTelemetry();
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    /// <summary>
    /// Maps <c>/alive</c>, answered by the live-tagged checks only. The services map their own <c>/health</c> (every
    /// check), so it is not mapped here.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks(AlivePath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) });
        return app;
    }

    private static void ConfigureOpenTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var telemetry = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(RagStackTelemetryName.Value))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(RagStackTelemetryName.Value)
                // Health probes every few seconds would bury the requests worth reading.
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsHealthProbe(context.Request.Path))
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }
    }

    private static bool IsHealthProbe(Microsoft.AspNetCore.Http.PathString path) =>
        path.StartsWithSegments(AlivePath) || path.StartsWithSegments("/health");
}
