using System.Text.Encodings.Web;
using System.Text.Json;
using Spectre.Console;

namespace RagStack.Cli.Hosting;

/// <summary>How commands print errors and JSON, the same way everywhere.</summary>
internal static class Output
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>One readable line on standard error: "error: &lt;what&gt;: &lt;why&gt;".</summary>
    public static void Error(string message) => Console.Error.WriteLine($"error: {message}");

    /// <summary>A short name for a media type, for tables: <c>pdf</c>, <c>docx</c>, <c>markdown</c>, <c>html</c>, <c>text</c>.</summary>
    public static string ShortType(string? contentType) => contentType switch
    {
        null or "" => "",
        "application/pdf" => "pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "docx",
        "text/markdown" => "markdown",
        "text/html" => "html",
        "text/plain" => "text",
        _ => contentType,
    };

    public static void Json<T>(T value) => Console.Out.WriteLine(Serialize(value));

    /// <summary>The JSON every command prints: camelCase, indented, enums as camelCase strings, nulls left out.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, JsonOptions);
}
