using System.Text.Json;
using System.Text.Json.Serialization;

namespace RagStack.Client;

/// <summary>The JSON RagStack.Api writes: camelCase names, enums as camelCase strings.</summary>
internal static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
