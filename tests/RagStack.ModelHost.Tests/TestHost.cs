extern alias modelhost;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using modelhost::RagStack.ModelHost;

namespace RagStack.ModelHost.Tests;

/// <summary>
/// Starts the model host the way Program.cs does, with the given settings, on a free Kestrel loopback port. Linked into
/// the API tests, which run the API against a real model host.
/// </summary>
internal static class TestHost
{
    /// <param name="settings">Configuration of the host.</param>
    /// <param name="observe">Middleware added before the host's endpoints, to watch its requests; null for none.</param>
    public static async Task<WebApplication> StartAsync(IReadOnlyDictionary<string, string?> settings, Func<HttpContext, Func<Task>, Task>? observe = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        // A data folder of its own that does not exist, so no ragstack.json of the machine's user is read.
        builder.Configuration.AddInMemoryCollection(TestConfiguration.Settings(TestConfiguration.NoFolder()));
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddRagStackModelHost(builder.Configuration);
        var app = builder.Build();
        if (observe is not null)
        {
            app.Use(observe);
        }

        app.MapModelHostApi();
        try
        {
            await app.StartAsync();
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>The address Kestrel bound, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public static Uri AddressOf(WebApplication app) => new(app.Urls.Single());
}
