using System.Text.Json.Serialization;
using RagStack.ModelHost.ChatCompletions;
using RagStack.ModelHost.Errors;
using RagStack.ModelHost.Models;

namespace RagStack.ModelHost;

/// <summary>The OpenAI wire format: snake_case names, absent rather than null optional fields.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChatCompletionRequest))]
[JsonSerializable(typeof(ChatCompletion))]
[JsonSerializable(typeof(ChatCompletionChunk))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(OpenAiError))]
internal sealed partial class ModelHostJson : JsonSerializerContext;
