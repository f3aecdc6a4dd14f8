namespace RagStack.ModelHost.Models;

/// <summary><c>GET /v1/models</c>: the base model and one id per loaded adapter.</summary>
internal static class ModelsApi
{
    public static RouteHandlerBuilder MapModelsApi(this IEndpointRouteBuilder group) =>
        group.MapGet("/models", List)
            .WithName("ListModels")
            .WithSummary("Lists the base model and one 'base+adapter' id per loaded LoRA adapter.");

    internal static IResult List(ServedModels models)
    {
        var list = new ModelList([.. models.Ids.Select(id => new ModelCard(id, models.LoadedAt))]);
        return TypedResults.Json(list, ModelHostJson.Default.ModelList);
    }
}
