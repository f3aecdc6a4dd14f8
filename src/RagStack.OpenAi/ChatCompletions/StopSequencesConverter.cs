using System.Text.Json;
using System.Text.Json.Serialization;

namespace RagStack.OpenAi.ChatCompletions;

/// <summary>Reads OpenAI's <c>stop</c>, which is either one string or an array of strings.</summary>
internal sealed class StopSequencesConverter() : StringOrStringsConverter("stop");

/// <summary>
/// Reads a field that OpenAI lets be one string or an array of strings (<c>stop</c>, <c>input</c>) as a list; anything
/// else is refused with a message naming the field.
/// </summary>
internal abstract class StringOrStringsConverter(string field) : JsonConverter<IReadOnlyList<string>>
{
    public override IReadOnlyList<string>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return [reader.GetString()!];
            case JsonTokenType.StartArray:
                var values = new List<string>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    values.Add(reader.TokenType == JsonTokenType.String
                        ? reader.GetString()!
                        : throw new JsonException($"'{field}' must be a string or an array of strings."));
                }

                return values;
            default:
                throw new JsonException($"'{field}' must be a string or an array of strings.");
        }
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var item in value)
        {
            writer.WriteStringValue(item);
        }

        writer.WriteEndArray();
    }
}
