using Microsoft.Extensions.Configuration;

namespace RagStack.Core.Tests.Support;

/// <summary>Configuration for composing RagStack in a test, never reading the user's own data folder.</summary>
internal static class TestConfiguration
{
    /// <summary>Only <c>RagStack:DataDirectory</c> (a folder that need not exist: no <c>ragstack.json</c> is read from it), then <paramref name="settings"/>.</summary>
    public static IConfiguration For(string dataDirectory, params (string Key, string? Value)[] settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection([new(RagStackSections.DataDirectory, dataDirectory), .. settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))])
            .Build();

    /// <summary>No settings, and a data folder that does not exist.</summary>
    public static IConfiguration Empty(params (string Key, string? Value)[] settings) =>
        For(Path.Combine(Path.GetTempPath(), "ragstack-no-folder-" + Guid.NewGuid().ToString("N")), settings);
}
