using Microsoft.Extensions.Configuration;

namespace RagStack.Testing;

/// <summary>Configuration for composing RagStack in a test, never reading the user's own data folder.</summary>
public static class TestConfiguration
{
    /// <summary>Only <c>RagStack:DataDirectory</c> (a folder that need not exist: no <c>ragstack.json</c> is read from it), then <paramref name="settings"/>.</summary>
    public static IConfiguration For(string dataDirectory, params (string Key, string? Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(Settings(dataDirectory, settings)).Build();

    /// <summary>No settings, and a data folder that does not exist.</summary>
    public static IConfiguration Empty(params (string Key, string? Value)[] settings) => For(NoFolder(), settings);

    /// <summary>A data folder path that does not exist, for hosts that must read no <c>ragstack.json</c>.</summary>
    public static string NoFolder() => Path.Combine(Path.GetTempPath(), "ragstack-no-folder-" + Guid.NewGuid().ToString("N"));

    /// <summary><c>RagStack:DataDirectory</c> and <paramref name="settings"/> as key–value pairs, for a host's configuration.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Settings(string dataDirectory, params (string Key, string? Value)[] settings) =>
        [new(RagStackSections.DataDirectory, dataDirectory), .. settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))];
}
