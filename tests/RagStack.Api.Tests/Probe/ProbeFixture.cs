using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RagStack.Api.Tests.OpenAi;

namespace RagStack.Api.Tests.Probe;

/// <summary>
/// The service as the outside probe met it: real Kestrel on loopback, a fresh data folder with the <see cref="ApiFixture"/>
/// documents, one API key, and every log line it writes kept, formatted as a console would show them.
/// </summary>
public sealed class ProbeFixture : KestrelApiFixture
{
    public const string Key = "probe-key-0123456789";
    public const string Tenant = "probe";

    public LogCapture Log { get; } = new();

    /// <summary>A client on the Kestrel address, with the key unless <paramref name="withKey"/> is false.</summary>
    public HttpClient Client(bool withKey = true)
    {
        var client = new HttpClient { BaseAddress = new Uri(V1, "/") };
        if (withKey)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        }

        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("RagStack:ApiKeys:0:Key", Key);
        builder.UseSetting("RagStack:ApiKeys:0:Tenant", Tenant);
        builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(Log));
    }
}

[CollectionDefinition(Name)]
public sealed class ProbeCollection : ICollectionFixture<ProbeFixture>
{
    public const string Name = "probe on kestrel";
}

/// <summary>Keeps every log line as the console shows it: level, category, then the message with its values filled in.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    /// <summary>The lines so far, split where a message holds a line break, as a log file would show them.</summary>
    public IReadOnlyList<string> Lines => [.. _lines.SelectMany(l => l.Split('\n'))];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel}: {category}: {formatter(state, exception)}");
    }
}
