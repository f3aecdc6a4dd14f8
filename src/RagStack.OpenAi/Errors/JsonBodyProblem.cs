using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RagStack.OpenAi.Errors;

/// <summary>
/// Says what is wrong with a JSON request body in the API's words: which field, and what it must be. System.Text.Json's
/// own messages name .NET types (<c>System.Collections.Generic.IReadOnlyList`1[System.String]</c>, <c>RagStack.Api.Ask.AskBody</c>),
/// which mean nothing to a caller and tell them how the server is built.
/// </summary>
internal static class JsonBodyProblem
{
    /// <summary>
    /// The message for a body that could not be read as <paramref name="bodyType"/>, whose JSON names follow
    /// <paramref name="naming"/> (null: the names as declared).
    /// </summary>
    public static string Describe(JsonException exception, Type bodyType, JsonNamingPolicy? naming)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(bodyType);

        // The serializer's own messages end in " Path: $… | LineNumber: …"; our converters' messages are written for callers.
        var own = exception.GetType() != typeof(JsonException) || exception.Message.Contains(" Path: ", StringComparison.Ordinal);
        if (!own)
        {
            return exception.Message;
        }

        if (exception.Message.Contains("does not contain any JSON tokens", StringComparison.Ordinal))
        {
            return $"The request body is empty; send {Expected(bodyType, naming)}.";
        }

        // "could not be converted to <type>": well-formed JSON of the wrong shape; anything else is JSON that breaks off.
        if (!exception.Message.Contains("could not be converted", StringComparison.Ordinal))
        {
            return $"The request body is not valid JSON (it breaks at line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1}); send {Expected(bodyType, naming)}.";
        }

        var (field, type) = FieldAt(exception.Path, bodyType, naming);
        return field is null ? $"The request body must be {Expected(bodyType, naming)}." : $"'{field}' must be {Kind(type ?? typeof(object), naming)}.";
    }

    /// <summary>The field an error is in, as OpenAI's <c>param</c> names it (<c>messages[0].role</c>); null for the body itself.</summary>
    public static string? ParamOf(JsonException exception) =>
        exception.GetType() == typeof(JsonException) && exception.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : null;

    /// <summary>What a body of <paramref name="bodyType"/> looks like: "a JSON object with the fields question (a string), …".</summary>
    public static string Expected(Type bodyType, JsonNamingPolicy? naming) =>
        $"a JSON object with the fields {string.Join(", ", Fields(bodyType).Select(p => $"{NameOf(p, naming)} ({Kind(p.PropertyType, naming)})"))}";

    /// <summary>The JSON path of the field the error is in (<c>messages[0].role</c>) and its declared type; no field for the body itself.</summary>
    private static (string? Field, Type? Type) FieldAt(string? path, Type bodyType, JsonNamingPolicy? naming)
    {
        if (path is null or "$" || !path.StartsWith('$'))
        {
            return (null, null);
        }

        Type? type = bodyType;
        var segments = path[1..].Split('.', StringSplitOptions.RemoveEmptyEntries);
        var shown = new List<string>();
        foreach (var segment in segments)
        {
            var bracket = segment.IndexOf('[', StringComparison.Ordinal);
            var name = bracket < 0 ? segment : segment[..bracket];
            if (name.Length > 0)
            {
                var property = type is null ? null : Fields(type).FirstOrDefault(p => string.Equals(NameOf(p, naming), name, StringComparison.OrdinalIgnoreCase));
                type = property?.PropertyType;
            }

            for (var i = bracket; i >= 0 && i < segment.Length; i = segment.IndexOf('[', i + 1))
            {
                type = type is null ? null : ElementOf(Underlying(type));
            }

            shown.Add(segment);
        }

        return (string.Join('.', shown), type);
    }

    private static string Kind(Type type, JsonNamingPolicy? naming)
    {
        type = Underlying(type);
        return type == typeof(string) ? "a string"
            : type == typeof(bool) ? "true or false"
            : type == typeof(int) || type == typeof(long) ? "a whole number"
            : type == typeof(float) || type == typeof(double) || type == typeof(decimal) ? "a number"
            : type.IsEnum ? $"one of {string.Join(", ", Enum.GetNames(type).Select(n => naming?.ConvertName(n) ?? n))}"
            : ElementOf(type) is { } element ? $"a list of {Plural(element, naming)}"
            : type == typeof(object) || type == typeof(JsonElement) ? "a JSON value"
            : "an object";
    }

    private static string Plural(Type element, JsonNamingPolicy? naming) => Kind(element, naming) switch
    {
        "a string" => "strings",
        "a whole number" => "whole numbers",
        "a number" => "numbers",
        "an object" => $"objects with the fields {string.Join(", ", Fields(element).Select(p => NameOf(p, naming)))}",
        var other => other,
    };

    private static Type Underlying(Type type) => Nullable.GetUnderlyingType(type) ?? type;

    private static Type? ElementOf(Type type) =>
        type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type) ? null
        : type.IsArray ? type.GetElementType()
        : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    private static IEnumerable<PropertyInfo> Fields(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0 && p.GetCustomAttribute<JsonIgnoreAttribute>() is not { Condition: JsonIgnoreCondition.Always });

    private static string NameOf(PropertyInfo property, JsonNamingPolicy? naming) =>
        property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? naming?.ConvertName(property.Name) ?? property.Name;
}
