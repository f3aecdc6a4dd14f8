using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace RagStack.Api.Generation;

/// <summary>
/// Loads the in-process generator and its domains' adapters while the service starts, not at the first question: a
/// missing or mismatched adapter stops the start with the file and the domain named, and the first ask is not slowed
/// by loading the model.
/// </summary>
internal sealed partial class GeneratorStartup(IServiceProvider services, ILogger<GeneratorStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.Run(() =>
    {
        var stopwatch = Stopwatch.StartNew();
        _ = services.GetRequiredService<IChatClient>();
        LogLoaded(stopwatch.ElapsedMilliseconds);
    }, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Generator model and domain adapters loaded in {Elapsed} ms")]
    private partial void LogLoaded(long elapsed);
}
