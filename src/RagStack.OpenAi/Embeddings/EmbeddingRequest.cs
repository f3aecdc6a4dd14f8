using System.Text.Json;
using System.Text.Json.Serialization;
using RagStack.OpenAi.ChatCompletions;

namespace RagStack.OpenAi.Embeddings;

/// <summary>The body of <c>POST /v1/embeddings</c>: the OpenAI fields this host honours; others are ignored.</summary>
internal sealed record EmbeddingRequest
{
    public string? Model { get; init; }

    /// <summary>One text or a list of texts; token arrays are refused, since the model's tokenizer is the host's.</summary>
    [JsonConverter(typeof(EmbeddingInputConverter))]
    public IReadOnlyList<string>? Input { get; init; }

    /// <summary><c>float</c> (default) or <c>base64</c> (little-endian float32s, what the official SDKs ask for).</summary>
    public string? EncodingFormat { get; init; }

    /// <summary>The vector length wanted; only the model's own is offered.</summary>
    public int? Dimensions { get; init; }
}

/// <summary>The body of an embeddings reply.</summary>
internal sealed record EmbeddingList(IReadOnlyList<EmbeddingItem> Data, string Model, EmbeddingUsage Usage)
{
    public string Object => "list";
}

/// <summary>One input's vector, as an array of numbers or as base64.</summary>
internal sealed record EmbeddingItem(int Index, [property: JsonConverter(typeof(EmbeddingVectorConverter))] EmbeddingVector Embedding)
{
    public string Object => "embedding";
}

/// <summary>A vector and how it is written.</summary>
internal sealed record EmbeddingVector(ReadOnlyMemory<float> Values, bool Base64);

/// <summary>Token counts of one request, counted with the model's own tokenizer.</summary>
internal sealed record EmbeddingUsage(int PromptTokens, int TotalTokens);

/// <summary>Reads <c>input</c>: one string or an array of strings (token arrays are refused).</summary>
internal sealed class EmbeddingInputConverter() : StringOrStringsConverter("input");

/// <summary>Writes a vector as an array of numbers, or as base64 of its little-endian float32s.</summary>
internal sealed class EmbeddingVectorConverter : JsonConverter<EmbeddingVector>
{
    public override EmbeddingVector Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("Replies are written, never read.");

    public override void Write(Utf8JsonWriter writer, EmbeddingVector value, JsonSerializerOptions options)
    {
        var values = value.Values.Span;
        if (value.Base64)
        {
            var bytes = new byte[values.Length * sizeof(float)];
            for (var i = 0; i < values.Length; i++)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
            }

            writer.WriteBase64StringValue(bytes);
            return;
        }

        writer.WriteStartArray();
        foreach (var v in values)
        {
            writer.WriteNumberValue(v);
        }

        writer.WriteEndArray();
    }
}
