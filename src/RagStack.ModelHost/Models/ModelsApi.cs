using Microsoft.Extensions.AI;
using RagStack.OpenAi;
using RagStack.OpenAi.Embeddings;
using RagStack.OpenAi.Models;

namespace RagStack.ModelHost.Models;

/// <summary><c>GET /v1/models</c>: the base model, one id per loaded adapter, and the embedding model.</summary>
internal static class ModelsApi
{
    public static RouteHandlerBuilder MapModelsApi(this IEndpointRouteBuilder group) =>
        group.MapGet("/models", List)
            .WithName("ListModels")
            .WithSummary("Lists the base model, one 'base+adapter' id per loaded LoRA adapter, and the embedding model.");

    internal static IResult List(ServedModels models, IEmbeddingGenerator<string, Embedding<float>> embeddings)
    {
        var list = new ModelList([.. models.Ids.Append(EmbeddingsApi.ModelIdOf(embeddings)).Select(id => new ModelCard(id, models.LoadedAt))]);
        return TypedResults.Json(list, OpenAiJson.Default.ModelList);
    }
}
