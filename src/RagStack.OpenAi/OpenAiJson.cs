using System.Text.Json;
using System.Text.Json.Serialization;
using RagStack.OpenAi.ChatCompletions;
using RagStack.OpenAi.Embeddings;
using RagStack.OpenAi.Errors;
using RagStack.OpenAi.Images;
using RagStack.OpenAi.Models;

namespace RagStack.OpenAi;

/// <summary>The OpenAI wire format: snake_case names, absent rather than null optional fields.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChatCompletionRequest))]
[JsonSerializable(typeof(ChatCompletion))]
[JsonSerializable(typeof(ChatCompletionChunk))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(OpenAiError))]
[JsonSerializable(typeof(EmbeddingRequest))]
[JsonSerializable(typeof(EmbeddingList))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(ImageGenerationBody))]
[JsonSerializable(typeof(ImageList))]
internal sealed partial class OpenAiJson : JsonSerializerContext;
