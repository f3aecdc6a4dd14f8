using RagStack.ModelHost.ChatCompletions;
using RagStack.ModelHost.Models;
using RagStack.OpenAi.Embeddings;
using RagStack.OpenAi.Errors;
using RagStack.OpenAi.Images;

namespace RagStack.ModelHost;

/// <summary>Maps the model host's HTTP API.</summary>
public static class ModelHostEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the OpenAI-compatible <c>GET /v1/models</c>, <c>POST /v1/chat/completions</c>, <c>POST /v1/embeddings</c> and
    /// <c>POST /v1/images/generations</c>, the stored images (<c>GET /images/{id}.png</c>), and <c>GET /health</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapModelHostApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var v1 = app.MapGroup("/v1").AnswerUnexpectedErrorsAsOpenAi();
        v1.MapModelsApi();
        v1.MapChatCompletionsApi();
        v1.MapEmbeddingsApi();
        v1.MapImageGenerationsApi();
        app.MapStoredImagesApi();
        app.MapHealthChecks("/health");
        return app;
    }
}
