using Aspire.Hosting;
using Aspire.Hosting.Testing;

namespace RagStack.AppHost.Tests;

/// <summary>
/// The whole application as the AppHost runs it — model host, API and web as real processes on loopback — started once
/// for the tests that share it, on a fresh data folder so they never touch the user's. Nothing starts when the shared
/// model is absent; the tests then skip.
/// </summary>
public sealed class AppHostFixture : IAsyncLifetime
{
    /// <summary>How long starting and stopping the application may take before a test fails rather than hangs.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private DistributedApplication? _app;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "ragstack-apphost-tests-" + Guid.NewGuid().ToString("N"));

    /// <summary>The running application; only read after <c>Skip.If(SharedModels.Stories260K is null, …)</c>.</summary>
    public DistributedApplication App => _app ?? throw new InvalidOperationException("The application was not started: the shared model is absent.");

    public async Task InitializeAsync()
    {
        if (SharedModels.Stories260K is null)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.RagStack_AppHost>(
            [$"--Parameters:data-dir={DataDirectory}"], timeout.Token);
        _app = await builder.BuildAsync(timeout.Token);
        await _app.StartAsync(timeout.Token);
        foreach (var resource in new[] { "modelhost", "api", "web" })
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            using var timeout = new CancellationTokenSource(StartTimeout);
            await _app.StopAsync(timeout.Token);
            await _app.DisposeAsync();
        }

        try
        {
            if (Directory.Exists(DataDirectory))
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A file a stopped service still maps is left for the OS to clean; the folder is in the temp directory.
        }
    }
}
