using System.Text.Json;

namespace RagStack.Storage.Embedded.Database;

/// <summary>Lists of strings (tags, section paths) or numbers (pages) kept in one TEXT column as a JSON array.</summary>
internal static class JsonColumn
{
    public static string Write(IReadOnlyList<string> values) =>
        values.Count == 0 ? "[]" : JsonSerializer.Serialize(values, JsonColumnContext.Default.IReadOnlyListString);

    public static string[] Read(string json) =>
        json == "[]" ? [] : JsonSerializer.Deserialize(json, JsonColumnContext.Default.StringArray) ?? [];

    public static string WriteNumbers(IReadOnlyList<int> values) =>
        values.Count == 0 ? "[]" : JsonSerializer.Serialize(values, JsonColumnContext.Default.IReadOnlyListInt32);

    public static int[] ReadNumbers(string json) =>
        json == "[]" ? [] : JsonSerializer.Deserialize(json, JsonColumnContext.Default.Int32Array) ?? [];
}

[System.Text.Json.Serialization.JsonSerializable(typeof(IReadOnlyList<string>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
[System.Text.Json.Serialization.JsonSerializable(typeof(IReadOnlyList<int>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(int[]))]
internal sealed partial class JsonColumnContext : System.Text.Json.Serialization.JsonSerializerContext;
