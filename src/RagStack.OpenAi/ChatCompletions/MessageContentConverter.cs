using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RagStack.OpenAi.ChatCompletions;

/// <summary>
/// Reads a message's <c>content</c>: a string, or an array of content parts of which this host takes the text ones
/// (OpenAI clients send either); any other part is refused, since a text model cannot read it.
/// </summary>
internal sealed class MessageContentConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.StartArray:
                using (var parts = JsonDocument.ParseValue(ref reader))
                {
                    var text = new StringBuilder();
                    foreach (var part in parts.RootElement.EnumerateArray())
                    {
                        var type = part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var t) ? t.GetString() : null;
                        if (type != "text" || !part.TryGetProperty("text", out var value) || value.ValueKind != JsonValueKind.String)
                        {
                            throw new JsonException($"Content parts of type '{type ?? "?"}' are not supported; this model reads text parts only.");
                        }

                        text.Append(value.GetString());
                    }

                    return text.ToString();
                }

            default:
                throw new JsonException("A message's 'content' must be a string or an array of text parts.");
        }
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
