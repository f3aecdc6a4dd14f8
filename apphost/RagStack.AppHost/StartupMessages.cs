using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RagStack.AppHost;

/// <summary>The lines that tell a person where the running application is; Aspire itself prints the dashboard's address.</summary>
internal static partial class StartupMessages
{
    private const string Category = "RagStack.AppHost";

    /// <summary>Logs <paramref name="what"/> and its address once the resource is healthy.</summary>
    public static void LogWhenReady<T>(IDistributedApplicationBuilder builder, IResourceBuilder<T> resource, string what)
        where T : IResourceWithEndpoints
    {
        builder.Eventing.Subscribe<ResourceReadyEvent>(resource.Resource, (e, _) =>
        {
            var logger = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger(Category);
            LogReady(logger, what, resource.GetEndpoint("http").Url);
            return Task.CompletedTask;
        });
    }

    /// <summary>Logs <paramref name="message"/> when the application starts, for a decision made while it was being built.</summary>
    public static void LogAtStart(IDistributedApplicationBuilder builder, string message)
    {
        builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            LogNotice(e.Services.GetRequiredService<ILoggerFactory>().CreateLogger(Category), message);
            return Task.CompletedTask;
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{What} is ready at {Url}")]
    private static partial void LogReady(ILogger logger, string what, string url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Message}")]
    private static partial void LogNotice(ILogger logger, string message);
}
