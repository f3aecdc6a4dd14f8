using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using RagStack.Api.Tenancy;
using RagStack.Documents;
using RagStack.Domains;
using RagStack.OpenAi;
using RagStack.OpenAi.Embeddings;
using RagStack.OpenAi.Images;
using RagStack.OpenAi.Models;
using RagStack.OpenAi.Errors;

namespace RagStack.Api.OpenAi;

/// <summary>Maps the OpenAI-compatible API of the RAG service, so OpenAI SDKs and Semantic Kernel can ask it questions.</summary>
public static class OpenAiApi
{
    /// <summary>
    /// Maps <c>{group}/v1</c>: <c>POST chat/completions</c> (grounded answers; the model is a domain or an index, the
    /// sources are in a <c>sources</c> field), <c>GET models</c> (the caller's domains and indexes, and the embedding model)
    /// , <c>POST embeddings</c> (the service's embedding model) and <c>POST images/generations</c> (the service's image
    /// generator). Errors are in OpenAI's error shape.
    /// </summary>
    public static RouteGroupBuilder MapOpenAiApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var v1 = routes.MapGroup("/v1").WithTags("OpenAI").AnswerUnexpectedErrorsAsOpenAi();
        v1.MapRagChatCompletionsApi();
        v1.MapGet("/models", ListModelsAsync)
            .WithName("ListRagModels")
            .WithSummary("The models a chat completion may name: the configured domains and the caller's indexes; and the embedding model.");
        v1.MapEmbeddingsApi();
        v1.MapImageGenerationsApi();
        return v1;
    }

    private static async Task<IResult> ListModelsAsync(
        HttpContext http, IDocumentCatalog catalog, IOptions<DomainsOptions> domains, IEmbeddingGenerator<string, Embedding<float>> embeddings, CancellationToken cancellationToken)
    {
        var ids = await RagModels.ListAsync(catalog, domains.Value, RequestTenant.Of(http), cancellationToken);
        // Domains and indexes have no creation time of their own.
        var list = new ModelList([.. ids.Append(EmbeddingsApi.ModelIdOf(embeddings)).Select(id => new ModelCard(id, 0))]);
        return TypedResults.Json(list, OpenAiJson.Default.ModelList);
    }
}
