using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;
using RagStack.Embeddings;
using RagStack.OpenAi.Errors;

namespace RagStack.OpenAi.Embeddings;

/// <summary>
/// <c>POST /v1/embeddings</c> over the host's <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>, counting usage with
/// its <see cref="ITokenCounter"/>. Texts are embedded as documents (no query prefix).
/// </summary>
internal static class EmbeddingsApi
{
    /// <summary>The most inputs one request may hold, as OpenAI allows.</summary>
    public const int MaxInputs = 2048;

    public static RouteHandlerBuilder MapEmbeddingsApi(this IEndpointRouteBuilder group) =>
        group.MapPost("/embeddings", EmbedAsync)
            .WithName("CreateEmbeddings")
            .WithSummary("Embeds one text or a list of texts with the host's embedding model, in OpenAI's format.");

    /// <summary>
    /// The id clients name the model by: the generator's model id without its publisher (<c>snowflake-arctic-embed-xs</c>
    /// for <c>Snowflake/snowflake-arctic-embed-xs</c>); the full id is accepted too.
    /// </summary>
    public static string ModelIdOf(IEmbeddingGenerator<string, Embedding<float>> generator)
    {
        var full = FullIdOf(generator);
        return string.Join('+', full.Split('+').Select(part => part[(part.LastIndexOf('/') + 1)..]));
    }

    private static string FullIdOf(IEmbeddingGenerator<string, Embedding<float>> generator) =>
        generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId ?? "embeddings";

    internal static async Task<IResult> EmbedAsync(
        HttpRequest http, IEmbeddingGenerator<string, Embedding<float>> generator, ITokenCounter tokens, CancellationToken cancellationToken)
    {
        EmbeddingRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(http.Body, OpenAiJson.Default.EmbeddingRequest, cancellationToken);
        }
        catch (JsonException e)
        {
            return OpenAiError.InvalidRequest(
                $"The request body is not a valid embeddings request: {JsonBodyProblem.Describe(e, typeof(EmbeddingRequest), JsonNamingPolicy.SnakeCaseLower)}",
                JsonBodyProblem.ParamOf(e), "invalid_json");
        }

        var id = ModelIdOf(generator);
        var dimensions = generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelDimensions;
        if (Refuse(request, id, FullIdOf(generator), dimensions) is { } refusal)
        {
            return refusal;
        }

        var inputs = request!.Input!;
        GeneratedEmbeddings<Embedding<float>> embeddings;
        try
        {
            embeddings = await generator.GenerateAsync(inputs, cancellationToken: cancellationToken);
        }
        catch (ArgumentException e)
        {
            // The generator names the input that does not fit its window.
            return OpenAiError.InvalidRequest(ArgumentMessages.Of(e), "input", "context_length_exceeded");
        }

        var base64 = string.Equals(request.EncodingFormat, "base64", StringComparison.Ordinal);
        var used = inputs.Sum(tokens.CountTokens);
        return TypedResults.Json(
            new EmbeddingList([.. embeddings.Select((e, i) => new EmbeddingItem(i, new EmbeddingVector(e.Vector, base64)))], id, new EmbeddingUsage(used, used)),
            OpenAiJson.Default.EmbeddingList);
    }

    private static IResult? Refuse(EmbeddingRequest? request, string id, string fullId, int? dimensions)
    {
        if (request is null)
        {
            return OpenAiError.InvalidRequest("The request body is empty; send {\"model\": \"" + id + "\", \"input\": \"text\"}.");
        }

        if (string.IsNullOrWhiteSpace(request.Model))
        {
            return OpenAiError.InvalidRequest("'model' is required.", "model");
        }

        if (!string.Equals(request.Model, id, StringComparison.OrdinalIgnoreCase) && !string.Equals(request.Model, fullId, StringComparison.OrdinalIgnoreCase))
        {
            return OpenAiError.ModelNotFound($"The embedding model '{request.Model}' does not exist on this host; it serves: {id}.");
        }

        return request.Input is not { Count: > 0 } inputs ? OpenAiError.InvalidRequest("'input' must hold at least one text.", "input")
            : inputs.Count > MaxInputs ? OpenAiError.InvalidRequest($"'input' holds {inputs.Count} texts; at most {MaxInputs} are accepted per request.", "input")
            : inputs.Any(string.IsNullOrEmpty) ? OpenAiError.InvalidRequest("'input' holds an empty text; every text must have at least one character.", "input")
            : request.EncodingFormat is not (null or "float" or "base64") ? OpenAiError.InvalidRequest($"'encoding_format' must be float or base64, not '{request.EncodingFormat}'.", "encoding_format")
            : request.Dimensions is { } d && d != dimensions ? OpenAiError.InvalidRequest($"'dimensions' {d} is not offered; {id} gives {dimensions}-dimensional vectors.", "dimensions")
            : null;
    }
}
