using System.Text.Json;

namespace RagStack.Storage.Embedded.Database;

/// <summary>Lists of strings (tags, section paths) kept in one TEXT column as a JSON array.</summary>
internal static class JsonColumn
{
    public static string Write(IReadOnlyList<string> values) =>
        values.Count == 0 ? "[]" : JsonSerializer.Serialize(values, JsonColumnContext.Default.IReadOnlyListString);

    public static string[] Read(string json) =>
        json == "[]" ? [] : JsonSerializer.Deserialize(json, JsonColumnContext.Default.StringArray) ?? [];
}

[System.Text.Json.Serialization.JsonSerializable(typeof(IReadOnlyList<string>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
internal sealed partial class JsonColumnContext : System.Text.Json.Serialization.JsonSerializerContext;
